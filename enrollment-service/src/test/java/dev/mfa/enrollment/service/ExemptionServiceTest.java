package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.enrollment.config.OrgAdminConfig;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.domain.Requirement;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.ExemptionRepository;
import dev.mfa.enrollment.repository.ExemptionRepository.Exemption;
import dev.mfa.enrollment.repository.OrgUserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.MockedStatic;

/**
 * Granting, revoking and the end of an exemption against mocked repositories: never a Pay user, only members of the
 * org, and each switches the user's requirement at most once, announced and audited. The input rules (90 days, a
 * reason) are in {@link OrgAdminRulesTest}.
 */
class ExemptionServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant UNTIL = NOW.plus(Duration.ofDays(10));
    private static final String ORG = "acme";
    private static final String ADMIN = "admin-1";

    private final ExemptionRepository exemptions = mock(ExemptionRepository.class);
    private final AuditRepository audit = mock(AuditRepository.class);
    private final PolicyService policies = mock(PolicyService.class);
    private final Outbox outbox = mock(Outbox.class);
    private final OrgAdminConfig config = mock(OrgAdminConfig.class);
    private final OrgUserRepository users = mock(OrgUserRepository.class);
    /** The org roster; the service reads it row-locked through {@link OrgUserRepository#lock}. */
    private final Map<String, OrgUser> roster = new HashMap<>();

    private MockedStatic<Panache> panache;
    private ExemptionService service;

    @BeforeEach
    void setUp() {
        when(users.lock(anyString()))
                .thenAnswer(call -> Uni.createFrom().item(roster.get(call.<String>getArgument(0))));
        panache = mockStatic(Panache.class);
        panache.when(() -> Panache.withTransaction(any(Supplier.class)))
                .thenAnswer(call -> call.<Supplier<Uni<?>>>getArgument(0).get());

        when(config.maxExemption()).thenReturn(Duration.ofDays(90));
        when(config.sweepBatchSize()).thenReturn(2);
        when(exemptions.lock(anyString(), anyString()))
                .thenReturn(Uni.createFrom().item(Optional.empty()));
        when(exemptions.save(any(), any())).thenReturn(Uni.createFrom().voidItem());
        when(exemptions.delete(anyString(), anyString()))
                .thenReturn(Uni.createFrom().item(true));
        when(audit.append(anyString(), any(), anyString(), any(), any(), any()))
                .thenReturn(Uni.createFrom().voidItem());
        when(outbox.publish(anyString(), any(EventData.class)))
                .thenReturn(Uni.createFrom().nullItem());
        enforced();
        service = new ExemptionService(exemptions, audit, policies, outbox, Clock.fixed(NOW, ZoneOffset.UTC), config);
        service.users = users;
    }

    @AfterEach
    void tearDown() {
        panache.close();
    }

    @Test
    void aPayUserIsNeverExemptedAndNothingChanges() {
        OrgUser payee = member("u1", Requirement.REQUIRED);
        payee.pay = "payee";

        assertThatThrownBy(() -> grant("u1")).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(422);
            assertThat(e.problem().type()).endsWith("/pay-user-not-exemptible");
            assertThat(e.problem().field()).isEqualTo("userId");
        });
        verify(exemptions, never()).save(any(), any());
        verify(outbox, never()).publish(anyString(), any(EventData.class));
        verify(audit, never()).append(anyString(), any(), anyString(), any(), any(), any());
        assertThat(payee.requirement).isEqualTo(Requirement.REQUIRED);
    }

    @Test
    void onlyAMemberOfTheOrgCanBeExemptedOrRevoked() {
        member("other-org-user", Requirement.REQUIRED).orgId = "globex";

        for (String userId : List.of("nobody", "other-org-user")) {
            assertThatThrownBy(() -> grant(userId))
                    .isInstanceOfSatisfying(
                            ProblemException.class,
                            e -> assertThat(e.problem().status()).isEqualTo(404));
            assertThatThrownBy(() -> service.revoke(ORG, userId, ADMIN).await().indefinitely())
                    .isInstanceOfSatisfying(
                            ProblemException.class,
                            e -> assertThat(e.problem().status()).isEqualTo(404));
        }
        verify(exemptions, never()).save(any(), any());
        verify(exemptions, never()).delete(anyString(), anyString());
    }

    @Test
    void anExemptionPastTheDeadlineMakesTheUserOptionalOnceAnnouncedAndAudited() {
        OrgUser user = member("u1", Requirement.REQUIRED);

        ExemptionService.ExemptionView view = grant("u1");

        assertThat(view).isEqualTo(new ExemptionService.ExemptionView("u1", UNTIL, "on leave", ADMIN));
        verify(exemptions).save(new Exemption("u1", ORG, UNTIL, "on leave", ADMIN), NOW);
        assertThat(user.requirement).isEqualTo(Requirement.OPTIONAL);
        assertThat(announced())
                .containsExactly(new Events.UserRequirementChanged(
                        "u1", ORG, "OPTIONAL", "REQUIRED", ExemptionService.REASON_GRANTED));
        verify(audit)
                .append(
                        ORG,
                        NOW,
                        AuditTypes.EXEMPTION_GRANTED,
                        ADMIN,
                        "u1",
                        Map.of("until", UNTIL.toString(), "reason", "on leave"));

        // Replacing the exemption keeps the user OPTIONAL: no second switch, no second event.
        grant("u1");
        verify(exemptions, times(2)).save(any(), any());
        assertThat(announced()).hasSize(1);
    }

    @Test
    void anExemptionBeforeTheDeadlineIsRecordedButSwitchesNothing() {
        OrgPolicy policy = enforced();
        policy.enforced = false;
        OrgUser user = member("u1", Requirement.OPTIONAL);

        grant("u1");

        verify(exemptions).save(any(), any());
        verify(audit).append(eq(ORG), eq(NOW), eq(AuditTypes.EXEMPTION_GRANTED), eq(ADMIN), eq("u1"), any());
        assertThat(announced()).isEmpty();
        assertThat(user.requirement).isEqualTo(Requirement.OPTIONAL);
    }

    @Test
    void revokingEndsTheExemptionAndTheUserIsRequiredAgain() {
        OrgUser user = member("u1", Requirement.OPTIONAL);
        when(exemptions.lock("u1", ORG))
                .thenReturn(Uni.createFrom().item(Optional.of(new Exemption("u1", ORG, UNTIL, "r", ADMIN))));

        service.revoke(ORG, "u1", ADMIN).await().indefinitely();

        verify(exemptions).delete("u1", ORG);
        assertThat(user.requirement).isEqualTo(Requirement.REQUIRED);
        assertThat(announced())
                .containsExactly(new Events.UserRequirementChanged(
                        "u1", ORG, "REQUIRED", "OPTIONAL", ExemptionService.REASON_REVOKED));
        verify(audit).append(ORG, NOW, AuditTypes.EXEMPTION_REVOKED, ADMIN, "u1", Map.of("until", UNTIL.toString()));
    }

    @Test
    void revokingWhatWasNeverGrantedChangesNothing() {
        member("u1", Requirement.REQUIRED);

        service.revoke(ORG, "u1", ADMIN).await().indefinitely();

        verify(exemptions, never()).delete(anyString(), anyString());
        verify(audit, never()).append(anyString(), any(), anyString(), any(), any(), any());
        assertThat(announced()).isEmpty();
    }

    @Test
    void theEndOfAnExemptionSwitchesOnlyWhoIsStillOptionalInTheOrgAndAuditsEveryEnd() {
        OrgUser stillExempt = member("u1", Requirement.OPTIONAL);
        OrgUser alreadyRequired = member("u2", Requirement.REQUIRED);
        member("moved", Requirement.OPTIONAL).orgId = "globex";
        Exemption first = new Exemption("u1", ORG, NOW, "r", ADMIN);
        Exemption second = new Exemption("u2", ORG, NOW, "r", ADMIN);
        Exemption third = new Exemption("moved", ORG, NOW, "r", ADMIN);
        // A full batch asks for another one; a short one ends the sweep.
        when(exemptions.claimExpired(NOW, 2))
                .thenReturn(Uni.createFrom().item(List.of(first, second)))
                .thenReturn(Uni.createFrom().item(List.of(third)))
                .thenReturn(Uni.createFrom().item(List.of()));

        assertThat(service.expireDue().await().indefinitely()).isEqualTo(3);

        verify(exemptions, times(2)).claimExpired(any(), anyInt());
        assertThat(stillExempt.requirement).isEqualTo(Requirement.REQUIRED);
        assertThat(alreadyRequired.requirement).isEqualTo(Requirement.REQUIRED);
        assertThat(announced())
                .containsExactly(new Events.UserRequirementChanged(
                        "u1", ORG, "REQUIRED", "OPTIONAL", ExemptionService.REASON_EXPIRED));
        for (String userId : List.of("u1", "u2", "moved")) {
            verify(audit).append(ORG, NOW, AuditTypes.EXEMPTION_EXPIRED, null, userId, Map.of("until", NOW.toString()));
        }

        // The ended exemptions were claimed (deleted): the next sweep finds none and announces nothing.
        assertThat(service.expireDue().await().indefinitely()).isZero();
        assertThat(announced()).hasSize(1);
    }

    private ExemptionService.ExemptionView grant(String userId) {
        return service.grant(ORG, userId, new ExemptionService.ExemptionInput(UNTIL, "on leave"), ADMIN)
                .await()
                .indefinitely();
    }

    private OrgUser member(String userId, Requirement requirement) {
        OrgUser user = new OrgUser();
        user.userId = userId;
        user.orgId = ORG;
        user.requirement = requirement;
        roster.put(userId, user);
        return user;
    }

    /** An enabled policy past its deadline, as both lock and share lock return it. */
    private OrgPolicy enforced() {
        OrgPolicy policy = OrgPolicy.defaults(ORG, NOW);
        policy.enabled = true;
        policy.enforced = true;
        when(policies.lockPolicy(ORG)).thenReturn(Uni.createFrom().item(policy));
        when(policies.sharePolicy(ORG)).thenReturn(Uni.createFrom().item(policy));
        return policy;
    }

    private List<EventData> announced() {
        ArgumentCaptor<EventData> events = ArgumentCaptor.forClass(EventData.class);
        verify(outbox, org.mockito.Mockito.atLeast(0)).publish(eq(Topics.USER_REQUIREMENTS), events.capture());
        return events.getAllValues();
    }
}
