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
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.domain.Requirement;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.EnrollmentRepository;
import dev.mfa.enrollment.repository.ExemptionRepository;
import dev.mfa.enrollment.repository.FactorRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
import dev.mfa.enrollment.repository.ReportRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The roster (users joining and leaving) and an org admin's reset, against mocked repositories. */
class RosterRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final OrgUserRepository users = uniMock(OrgUserRepository.class);
    private final ExemptionRepository exemptions = uniMock(ExemptionRepository.class);
    private final EnrollmentRepository enrollments = uniMock(EnrollmentRepository.class);
    private final FactorRepository factorRows = uniMock(FactorRepository.class);
    private final PolicyService policies = uniMock(PolicyService.class);
    private final FactorService factors = uniMock(FactorService.class);
    private final AuditRepository audit = uniMock(AuditRepository.class);
    private final AdminResetNotice notice = uniMock(AdminResetNotice.class);
    private final Outbox outbox = uniMock(Outbox.class);
    private RosterService roster;
    private AdminService admin;

    @BeforeEach
    void setUp() {
        when(exemptions.find(anyString(), anyString())).thenReturn(item(Optional.empty()));
        when(factors.removeAll(anyString(), any(), anyString())).thenReturn(item(List.of()));
        roster = new RosterService(users, exemptions, enrollments, policies, factors, outbox, CLOCK);
        admin = new AdminService(
                uniMock(ReportRepository.class), users, factorRows, enrollments, audit, factors, notice, CLOCK);
    }

    // ------------------------------------------------------------------------------------------ leaving

    @Test
    void aUserWhoLeavesLosesEverythingInTheLockOrderOfConfirmAndReset() {
        OrgUser u = member("u1", "acme", Requirement.REQUIRED);
        when(users.findById("u1")).thenReturn(item(u));

        await(roster.remove(new Events.UserRemoved("u1", "acme")));

        // Exemption before the roster row (as exemption changes), pending enrollments before factors and the
        // recovery code (as confirm and reset): any other order can deadlock with them.
        var order = inOrder(exemptions, users, enrollments, factors);
        order.verify(exemptions).delete("u1", "acme");
        order.verify(users).deleteNow(u);
        order.verify(enrollments).cancelAllPending("u1");
        order.verify(factors).removeAll("u1", null, RosterService.REASON_REMOVED);
        Events.UserRequirementChanged changed = requirementChange();
        assertThat(changed.requirement()).isEqualTo("NOT_REQUIRED");
        assertThat(changed.previous()).isEqualTo("REQUIRED");
        assertThat(changed.reason()).isEqualTo(RosterService.REASON_REMOVED);
    }

    @Test
    void aLeaverWhoNeededNothingAndOneTheRosterNeverKnewAnnounceNothing() {
        when(users.findById("u1")).thenReturn(item(member("u1", "acme", Requirement.NOT_REQUIRED)));
        await(roster.remove(new Events.UserRemoved("u1", "acme")));
        // Unknown to the roster: whatever they enrolled still goes.
        await(roster.remove(new Events.UserRemoved("u2", "acme")));

        verify(outbox, never()).publish(anyString(), any(EventData.class));
        verify(enrollments).cancelAllPending("u2");
        verify(factors).removeAll("u2", null, RosterService.REASON_REMOVED);
    }

    // ------------------------------------------------------------------------------------------ joining

    @Test
    void aNewcomerToAnEnforcedOrgIsRequiredAndAnnounced() {
        when(policies.sharePolicy("acme")).thenReturn(item(enforced()));

        await(roster.upsert(new Events.UserUpserted("u1", "acme", "u1@example.test", null, List.of())));

        ArgumentCaptor<OrgUser> saved = ArgumentCaptor.forClass(OrgUser.class);
        verify(users).persist(saved.capture());
        assertThat(saved.getValue().requirement).isEqualTo(Requirement.REQUIRED);
        assertThat(saved.getValue().createdAt).isEqualTo(NOW);
        Events.UserRequirementChanged changed = requirementChange();
        assertThat(changed.previous()).isEqualTo("NOT_REQUIRED");
        assertThat(changed.reason()).isEqualTo(RosterService.REASON_JOINED);
    }

    @Test
    void aPayUserNeedsMfaWhateverThePolicyAndAnUnchangedRequirementIsNotAnnounced() {
        when(policies.sharePolicy("acme")).thenReturn(item(OrgPolicy.defaults("acme", NOW)));
        OrgUser u = member("u1", "acme", Requirement.NOT_REQUIRED);
        when(users.findById("u1")).thenReturn(item(u));

        await(roster.upsert(new Events.UserUpserted("u1", "acme", "u1@example.test", "payee", List.of())));
        assertThat(u.requirement).isEqualTo(Requirement.REQUIRED);
        assertThat(requirementChange().reason()).isEqualTo(RosterService.REASON_PAY);

        await(roster.upsert(new Events.UserUpserted("u1", "acme", "new@example.test", "payee", List.of())));
        verify(outbox).publish(anyString(), any(EventData.class)); // still the first one only
        assertThat(u.email).isEqualTo("new@example.test");
    }

    // ------------------------------------------------------------------------------------------ admin reset

    @Test
    void anAdminCannotResetAUserOfAnotherOrg() {
        when(users.findById("u1")).thenReturn(item(member("u1", "other", Requirement.REQUIRED)));
        when(factorRows.countInOrg("u1", "acme")).thenReturn(item(0L));

        refused(() -> await(admin.reset("acme", "u1", "admin")), 404, "not-found");

        verify(enrollments, never()).cancelPendingInOrg(anyString(), anyString());
        verify(factors, never()).removeAll(anyString(), any(), anyString());
    }

    @Test
    void aResetCancelsEnrollmentsBeforeRemovingFactorsAndMailsWhatItRemoved() {
        when(users.findById("u1")).thenReturn(item(member("u1", "acme", Requirement.REQUIRED)));
        when(factorRows.countInOrg("u1", "acme")).thenReturn(item(1L));
        Factor removed = new Factor();
        removed.factorId = UUID.randomUUID();
        removed.orgId = "acme";
        removed.method = Method.TOTP;
        when(factors.removeAll("u1", "acme", FactorService.REASON_ADMIN_RESET)).thenReturn(item(List.of(removed)));

        await(admin.reset("acme", "u1", "admin"));

        var order = inOrder(enrollments, factors);
        order.verify(enrollments).cancelPendingInOrg("u1", "acme");
        order.verify(factors).removeAll("u1", "acme", FactorService.REASON_ADMIN_RESET);
        verify(notice).reset("acme", "u1", List.of(removed));
        verify(audit).append("acme", NOW, AuditTypes.MFA_RESET, "admin", "u1", Map.of("factorsRemoved", true));
    }

    @Test
    void aUserTheRosterDoesNotKnowBelongsToTheOrgOfTheirFactors() {
        when(factorRows.countInOrg("u9", "acme")).thenReturn(item(1L));

        await(admin.reset("acme", "u9", null));

        verify(factors).removeAll("u9", "acme", FactorService.REASON_ADMIN_RESET);
        verify(audit).append("acme", NOW, AuditTypes.MFA_RESET, null, "u9", Map.of("factorsRemoved", false));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Events.UserRequirementChanged requirementChange() {
        ArgumentCaptor<EventData> event = ArgumentCaptor.forClass(EventData.class);
        verify(outbox).publish(eq(Topics.USER_REQUIREMENTS), event.capture());
        return (Events.UserRequirementChanged) event.getValue();
    }

    private static OrgUser member(String userId, String orgId, Requirement requirement) {
        OrgUser u = new OrgUser();
        u.userId = userId;
        u.orgId = orgId;
        u.requirement = requirement;
        u.createdAt = NOW.minusSeconds(86_400);
        return u;
    }

    private static OrgPolicy enforced() {
        OrgPolicy p = OrgPolicy.defaults("acme", NOW);
        p.enabled = true;
        p.enforced = true;
        return p;
    }
}
