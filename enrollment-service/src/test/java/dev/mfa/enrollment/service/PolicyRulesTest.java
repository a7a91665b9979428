package dev.mfa.enrollment.service;

import static dev.mfa.enrollment.service.RuleTests.await;
import static dev.mfa.enrollment.service.RuleTests.item;
import static dev.mfa.enrollment.service.RuleTests.refused;
import static dev.mfa.enrollment.service.RuleTests.uniMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.config.OrgAdminConfig;
import dev.mfa.enrollment.config.PolicyConfig;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.PolicyState;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.AvailabilityRepository;
import dev.mfa.enrollment.repository.OrgPolicyRepository;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Org policy changes against mocked repositories: what needs a step-up, what switches users, what is announced. */
class PolicyRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant DEADLINE = NOW.plus(Duration.ofDays(14));
    private static final Caller ADMIN = new Caller("a1", "acme", Set.of(Caller.GROUP_ORG_ADMIN), null);
    private static final List<Method> BOTH = List.of(Method.TOTP, Method.SMS);

    private final OrgPolicyRepository orgPolicies = uniMock(OrgPolicyRepository.class);
    private final StepUpService stepUp = uniMock(StepUpService.class);
    private final RequirementService requirements = uniMock(RequirementService.class);
    private final Outbox outbox = uniMock(Outbox.class);
    private PolicyService service;

    @BeforeEach
    void setUp() {
        PolicyConfig config = mock(PolicyConfig.class);
        when(config.deadlineGrace()).thenReturn(Duration.ofMinutes(2));
        when(config.maxDeadlineAhead()).thenReturn(Duration.ofDays(1826));
        service = new PolicyService(outbox, Clock.fixed(NOW, ZoneOffset.UTC), config, requirements, stepUp);
        service.orgPolicies = orgPolicies;
        service.audit = uniMock(AuditRepository.class);
        service.availability = uniMock(AvailabilityRepository.class);
        when(service.availability.find("acme")).thenReturn(item(Optional.of(true)));
        service.orgAdmin = mock(OrgAdminConfig.class);
    }

    // ------------------------------------------------------------------------------------------ validation

    @Test
    void aRequestIsCheckedFieldByFieldBeforeAnythingIsRead() {
        refused(() -> service.validate(null, DEADLINE, null), "invalid-policy", "enabled");
        refused(() -> service.validate(true, null, null), "invalid-policy", "enforcementDeadline");
        refused(
                () -> service.validate(true, NOW.minus(Duration.ofMinutes(3)), null),
                "deadline-in-past",
                "enforcementDeadline");
        refused(
                () -> service.validate(true, NOW.plus(Duration.ofDays(1827)), null),
                "deadline-too-far",
                "enforcementDeadline");
        refused(() -> service.validate(true, DEADLINE, List.of()), "invalid-policy", "allowedMethods");
        refused(() -> service.validate(true, DEADLINE, List.of("totp")), "invalid-policy", "allowedMethods");

        var input = service.validate(true, NOW.minusSeconds(30), List.of("SMS", "SMS"));
        assertThat(input.enforceNow()).isTrue();
        assertThat(input.methods()).containsExactly(Method.SMS);
        var off = service.validate(false, DEADLINE, null);
        assertThat(off.enforcementDeadline()).isNull();
        assertThat(off.methods()).isEqualTo(OrgPolicy.ALL_METHODS);
        verify(orgPolicies, never()).findById(anyString());
    }

    @Test
    void onlyChangesThatLowerProtectionNeedTheAdminsStepUp() {
        OrgPolicy early = policy(true, false, DEADLINE);
        OrgPolicy off = OrgPolicy.defaults("acme", NOW);
        OrgPolicy enforced = policy(true, true, NOW.minusSeconds(60));

        assertThat(PolicyService.lowersProtection(off, input(true, DEADLINE, false, BOTH)))
                .isFalse();
        assertThat(PolicyService.lowersProtection(early, input(false, null, false, BOTH)))
                .isTrue();
        assertThat(PolicyService.lowersProtection(early, input(true, DEADLINE.plusSeconds(1), false, BOTH)))
                .isTrue();
        assertThat(PolicyService.lowersProtection(early, input(true, DEADLINE.minusSeconds(1), false, BOTH)))
                .isFalse();
        assertThat(PolicyService.lowersProtection(enforced, input(true, DEADLINE, false, BOTH)))
                .isTrue();
        assertThat(PolicyService.lowersProtection(
                        enforced, input(true, NOW.minusSeconds(60), true, List.of(Method.TOTP))))
                .isFalse();
        OrgPolicy totpOnly = policy(true, false, DEADLINE);
        totpOnly.allowedMethods = OrgPolicy.join(List.of(Method.TOTP));
        assertThat(PolicyService.lowersProtection(totpOnly, input(true, DEADLINE, false, BOTH)))
                .isTrue();
    }

    // ------------------------------------------------------------------------------------------ changes

    @Test
    void turningMfaOnIsAnnouncedAndSwitchesTheUsersWithoutAStepUp() {
        when(orgPolicies.lockForUpdate("acme", NOW)).thenReturn(item(OrgPolicy.defaults("acme", NOW)));

        var view = await(service.update("acme", input(true, DEADLINE, false, BOTH), ADMIN, null));

        assertThat(view.state()).isEqualTo(PolicyState.EARLY_ENROLLMENT);
        verify(stepUp, never()).authorizeAdmin(any(Caller.class), any());
        verify(requirements).reconcile("acme", "policy-enabled");
        Events.OrgPolicyChanged changed = announced();
        assertThat(changed.version()).isEqualTo(1);
        assertThat(changed.enforcementDeadline()).isEqualTo(DEADLINE);
    }

    @Test
    void aRefusedStepUpChangesAndAnnouncesNothing() {
        OrgPolicy running = policy(true, false, DEADLINE);
        when(orgPolicies.lockForUpdate("acme", NOW)).thenReturn(item(running));
        when(stepUp.authorizeAdmin(ADMIN, null))
                .thenReturn(Uni.createFrom()
                        .failure(ProblemException.unauthorized("step-up-required", "Verify your own second factor.")));

        assertThatThrownBy(() -> await(service.update("acme", input(false, null, false, BOTH), ADMIN, null)))
                .isInstanceOf(ProblemException.class);

        assertThat(running.enabled).isTrue();
        assertThat(running.version).isEqualTo(1);
        verify(outbox, never()).publish(anyString(), any(EventData.class));
        verify(requirements, never()).reconcile(anyString(), anyString());
    }

    @Test
    void disablingWithAStepUpSwitchesEveryoneOff() {
        OrgPolicy running = policy(true, false, DEADLINE);
        when(orgPolicies.lockForUpdate("acme", NOW)).thenReturn(item(running));

        await(service.update("acme", input(false, null, false, BOTH), ADMIN, "assertion"));

        verify(stepUp).authorizeAdmin(ADMIN, "assertion");
        verify(requirements).reconcile("acme", "policy-disabled");
        assertThat(announced().state()).isEqualTo("DISABLED");
    }

    @Test
    void anUnchangedPolicyIsNotAnnouncedAndAMovedFutureDeadlineSwitchesNobody() {
        OrgPolicy running = policy(true, false, DEADLINE);
        when(orgPolicies.lockForUpdate("acme", NOW)).thenReturn(item(running));

        await(service.update("acme", input(true, DEADLINE, false, BOTH), ADMIN, null));
        verify(outbox, never()).publish(anyString(), any(EventData.class));
        assertThat(running.version).isEqualTo(1);

        await(service.update("acme", input(true, DEADLINE.minusSeconds(3600), false, BOTH), ADMIN, null));
        assertThat(running.version).isEqualTo(2);
        assertThat(running.syncedVersion).isEqualTo(2); // nobody's requirement changed: in sync at once
        verify(requirements, never()).reconcile(anyString(), anyString());
    }

    // ------------------------------------------------------------------------------------------ the deadline

    @Test
    void aDeadlineEventEnforcesOnlyTheDeadlineThePolicyStillHas() {
        OrgPolicy running = policy(true, false, DEADLINE);
        when(orgPolicies.lockForUpdate("acme", NOW)).thenReturn(item(running));

        assertThat(await(service.deadlineReached(new Events.DeadlineReached("acme", DEADLINE.minusSeconds(60)))))
                .isFalse();
        assertThat(running.enforced).isFalse();
        verify(outbox, never()).publish(anyString(), any(EventData.class));

        assertThat(await(service.deadlineReached(new Events.DeadlineReached("acme", DEADLINE))))
                .isTrue();
        assertThat(running.enforced).isTrue();
        assertThat(running.version).isEqualTo(2);
        assertThat(announced().state()).isEqualTo("ENFORCED");

        // Redelivered: enforced already, the switch runs again and finds nothing; nothing new is announced.
        assertThat(await(service.deadlineReached(new Events.DeadlineReached("acme", DEADLINE))))
                .isTrue();
        assertThat(running.version).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Events.OrgPolicyChanged announced() {
        ArgumentCaptor<EventData> event = ArgumentCaptor.forClass(EventData.class);
        verify(outbox).publish(org.mockito.ArgumentMatchers.eq(Topics.ORG_POLICIES), event.capture());
        return (Events.OrgPolicyChanged) event.getValue();
    }

    private static PolicyService.PolicyInput input(
            boolean enabled, Instant deadline, boolean enforceNow, List<Method> methods) {
        return new PolicyService.PolicyInput(enabled, deadline, enforceNow, methods);
    }

    private static OrgPolicy policy(boolean enabled, boolean enforced, Instant deadline) {
        OrgPolicy p = OrgPolicy.defaults("acme", NOW.minus(Duration.ofDays(1)));
        p.enabled = enabled;
        p.enforced = enforced;
        p.enforcementDeadline = deadline;
        p.version = 1;
        p.syncedVersion = 1;
        return p;
    }
}
