package dev.mfa.enrollment.service;

import static dev.mfa.enrollment.service.RuleTests.await;
import static dev.mfa.enrollment.service.RuleTests.item;
import static dev.mfa.enrollment.service.RuleTests.refused;
import static dev.mfa.enrollment.service.RuleTests.uniMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.recovery.RecoveryCodeHasher;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.domain.RecoveryCode;
import dev.mfa.enrollment.domain.Requirement;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.FactorRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
import dev.mfa.enrollment.repository.RecoveryCodeRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** A user's factors and recovery code against mocked repositories: adding, removing, and the last-factor rule. */
class FactorRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Caller USER = new Caller("u1", "acme", Set.of(Caller.GROUP_USER), null);
    private static final RecoveryCodeHasher HASHER = new RecoveryCodeHasher(new byte[RecoveryCodeHasher.MIN_KEY_BYTES]);

    private final FactorRepository factors = uniMock(FactorRepository.class);
    private final RecoveryCodeRepository recoveryCodes = uniMock(RecoveryCodeRepository.class);
    private final OrgUserRepository users = uniMock(OrgUserRepository.class);
    private final Outbox outbox = uniMock(Outbox.class);
    private final SecurityNotices notices = uniMock(SecurityNotices.class);
    private FactorService service;

    @BeforeEach
    void setUp() {
        when(recoveryCodes.hasActive(anyString())).thenReturn(item(false));
        service = new FactorService(
                factors,
                recoveryCodes,
                users,
                outbox,
                notices,
                uniMock(AuditRepository.class),
                HASHER,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    // ------------------------------------------------------------------------------------------ adding

    @Test
    void aNewFactorReplacesTheOneOfItsMethodOnly() {
        Factor oldApp = factor(Method.TOTP, "acme");
        Factor phone = factor(Method.SMS, "acme");
        when(factors.ofUser("u1")).thenReturn(item(List.of(oldApp, phone)));
        Factor newApp = factor(Method.TOTP, "acme");
        Events.FactorEnrolled enrolled = enrolled(newApp);

        await(service.add(newApp, enrolled, NOW));

        var order = inOrder(factors, outbox);
        order.verify(factors).deleteNow(oldApp);
        order.verify(outbox).publish(eq(Topics.FACTORS), any(Events.FactorRemoved.class));
        order.verify(factors).persist(newApp);
        order.verify(outbox).publish(Topics.FACTORS, enrolled);
        verify(factors, never()).deleteNow(phone);
        assertThat(published(Events.FactorRemoved.class).reason()).isEqualTo(FactorService.REASON_REPLACED);
        verify(notices).factorAdded(newApp, NOW);
    }

    @Test
    void theFirstFactorBringsARecoveryCodeShownOnceAndKeptOnlyAsItsHash() {
        when(factors.ofUser("u1")).thenReturn(item(List.of()));
        Factor app = factor(Method.TOTP, "acme");

        String code = await(service.add(app, enrolled(app), NOW));

        assertThat(code).isNotBlank();
        ArgumentCaptor<RecoveryCode> row = ArgumentCaptor.forClass(RecoveryCode.class);
        verify(recoveryCodes).persist(row.capture());
        assertThat(row.getValue().codeHash).doesNotContain(code);
        assertThat(HASHER.matches(code, row.getValue().codeHash)).isTrue();
        assertThat(row.getValue().status).isEqualTo(RecoveryCode.ACTIVE);
        assertThat(published(Events.RecoveryCodeIssued.class).recoveryCodeId())
                .isEqualTo(row.getValue().recoveryCodeId);
    }

    @Test
    void aUserWhoHoldsAnUnusedRecoveryCodeGetsNoNewOne() {
        when(factors.ofUser("u1")).thenReturn(item(List.of()));
        when(recoveryCodes.hasActive("u1")).thenReturn(item(true));
        Factor phone = factor(Method.SMS, "acme");

        assertThat(await(service.add(phone, enrolled(phone), NOW))).isNull();

        verify(recoveryCodes, never()).persist(any(RecoveryCode.class));
        verify(recoveryCodes, never()).lock(anyString());
    }

    // ------------------------------------------------------------------------------------------ removing

    @Test
    void theLastFactorOfAUserWhoNeedsMfaCannotBeRemoved() {
        Factor only = factor(Method.TOTP, "acme");
        when(factors.lockOfUser("u1")).thenReturn(item(List.of(only)));
        when(users.findById("u1")).thenReturn(item(rosterUser(Requirement.REQUIRED)));

        refused(() -> await(service.delete(USER, only.factorId, null)), 409, "last-factor");

        verify(factors, never()).deleteNow(any());
        verify(recoveryCodes, never()).deleteNow(any());
    }

    @Test
    void aUserTheRosterDoesNotKnowIsHeldToThePolicy() {
        Factor only = factor(Method.TOTP, "acme");
        when(factors.lockOfUser("u1")).thenReturn(item(List.of(only)));
        OrgPolicy enforced = OrgPolicy.defaults("acme", NOW);
        enforced.enabled = true;
        enforced.enforced = true;

        refused(() -> await(service.delete(USER, only.factorId, enforced)), 409, "last-factor");
        verify(factors, never()).deleteNow(any());
    }

    @Test
    void theLastFactorTakesTheRecoveryCodeWithIt() {
        Factor only = factor(Method.SMS, "acme");
        when(factors.lockOfUser("u1")).thenReturn(item(List.of(only)));
        when(users.findById("u1")).thenReturn(item(rosterUser(Requirement.OPTIONAL)));
        RecoveryCode code = recoveryCode("acme");
        when(recoveryCodes.lock("u1")).thenReturn(item(code));

        await(service.delete(USER, only.factorId, null));

        var order = inOrder(factors, recoveryCodes);
        order.verify(factors).lockOfUser("u1");
        order.verify(factors).deleteNow(only);
        order.verify(recoveryCodes).lock("u1");
        order.verify(recoveryCodes).deleteNow(code);
        assertThat(published(Events.RecoveryCodeRevoked.class).reason()).isEqualTo(FactorService.REASON_USER);
        verify(notices).factorRemoved(only, NOW);
    }

    @Test
    void removingOneOfTwoFactorsKeepsTheRecoveryCode() {
        Factor app = factor(Method.TOTP, "acme");
        Factor phone = factor(Method.SMS, "acme");
        when(factors.lockOfUser("u1")).thenReturn(item(List.of(app, phone)));
        when(users.findById("u1")).thenReturn(item(rosterUser(Requirement.REQUIRED)));

        await(service.delete(USER, phone.factorId, null));

        verify(factors).deleteNow(phone);
        verify(factors, never()).deleteNow(app);
        verify(recoveryCodes, never()).lock(anyString());
    }

    @Test
    void anUnknownFactorIsNotFound() {
        when(factors.lockOfUser("u1")).thenReturn(item(List.of(factor(Method.TOTP, "acme"))));

        refused(() -> await(service.delete(USER, UUID.randomUUID(), null)), 404, "not-found");
        verify(factors, never()).deleteNow(any());
    }

    @Test
    void anOrgsResetRemovesOnlyWhatTheUserHoldsInThatOrg() {
        Factor here = factor(Method.TOTP, "acme");
        Factor elsewhere = factor(Method.SMS, "other");
        when(factors.lockOfUser("u1")).thenReturn(item(List.of(here, elsewhere)));
        when(recoveryCodes.lock("u1")).thenReturn(item(recoveryCode("other")));

        List<Factor> removed = await(service.removeAll("u1", "acme", FactorService.REASON_ADMIN_RESET));

        assertThat(removed).containsExactly(here);
        verify(factors).deleteNow(here);
        verify(factors, never()).deleteNow(elsewhere);
        verify(recoveryCodes, never()).deleteNow(any());
    }

    @Test
    void aRecoveryCodeNeedsAFactor() {
        when(factors.countOfUser("u1")).thenReturn(item(0L));

        refused(() -> await(service.regenerateRecoveryCode(USER)), 409, "no-factor");
        verify(recoveryCodes, never()).persist(any(RecoveryCode.class));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private <T extends EventData> T published(Class<T> type) {
        ArgumentCaptor<EventData> events = ArgumentCaptor.forClass(EventData.class);
        verify(outbox, org.mockito.Mockito.atLeastOnce()).publish(eq(Topics.FACTORS), events.capture());
        return events.getAllValues().stream()
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " published"));
    }

    private static Factor factor(Method method, String orgId) {
        Factor f = new Factor();
        f.factorId = UUID.randomUUID();
        f.userId = "u1";
        f.orgId = orgId;
        f.method = method;
        f.label = method.name();
        f.createdAt = NOW.minusSeconds(3600);
        return f;
    }

    private static Events.FactorEnrolled enrolled(Factor f) {
        return new Events.FactorEnrolled(
                f.factorId, f.userId, f.orgId, f.method.name(), f.label, null, null, null, null, null, NOW);
    }

    private static OrgUser rosterUser(Requirement requirement) {
        OrgUser u = new OrgUser();
        u.userId = "u1";
        u.orgId = "acme";
        u.requirement = requirement;
        return u;
    }

    private static RecoveryCode recoveryCode(String orgId) {
        RecoveryCode c = new RecoveryCode();
        c.userId = "u1";
        c.orgId = orgId;
        c.recoveryCodeId = UUID.randomUUID();
        c.status = RecoveryCode.ACTIVE;
        return c;
    }
}
