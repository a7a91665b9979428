package dev.mfa.enrollment.service;

import static dev.mfa.enrollment.service.RuleTests.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.enrollment.config.OrgAdminConfig;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.Requirement;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.AvailabilityRepository;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The org-admin rules of issue 18 against mocked repositories: availability, exemptions, audit of sign-ins. */
class OrgAdminRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    // ------------------------------------------------------------------------------------------ availability

    @Test
    void turningMfaOnNeedsAvailabilityButChangingOrTurningOffARunningPolicyDoesNot() {
        AvailabilityRepository repo = mock(AvailabilityRepository.class);
        PolicyService policies = policies(repo, false);
        when(repo.find("acme")).thenReturn(Uni.createFrom().item(Optional.of(false)));

        OrgPolicy off = OrgPolicy.defaults("acme", NOW);
        assertThatThrownBy(() -> policies.requireAvailable(off, on()).await().indefinitely())
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(409);
                    assertThat(e.problem().type()).endsWith("/mfa-not-available");
                });
        // Turning it off, or changing a policy that is on already, is no "turning on": the repository is not asked.
        AvailabilityRepository untouched = mock(AvailabilityRepository.class);
        PolicyService other = policies(untouched, false);
        other.requireAvailable(off, new PolicyService.PolicyInput(false, null, false, List.of(Method.TOTP)))
                .await()
                .indefinitely();
        OrgPolicy running = OrgPolicy.defaults("acme", NOW);
        running.enabled = true;
        other.requireAvailable(running, on()).await().indefinitely();
        verify(untouched, never()).find(anyString());
    }

    @Test
    void anOrgNobodyDecidedOnGetsTheConfiguredDefaultAndARecordedDecisionWins() {
        AvailabilityRepository repo = mock(AvailabilityRepository.class);
        when(repo.find("new")).thenReturn(Uni.createFrom().item(Optional.empty()));
        when(repo.find("granted")).thenReturn(Uni.createFrom().item(Optional.of(true)));
        when(repo.find("withdrawn")).thenReturn(Uni.createFrom().item(Optional.of(false)));

        assertThat(policies(repo, false).isAvailable("new").await().indefinitely())
                .isFalse();
        assertThat(policies(repo, true).isAvailable("new").await().indefinitely())
                .isTrue();
        assertThat(policies(repo, false).isAvailable("granted").await().indefinitely())
                .isTrue();
        assertThat(policies(repo, true).isAvailable("withdrawn").await().indefinitely())
                .isFalse();
        policies(repo, false)
                .requireAvailable(OrgPolicy.defaults("granted", NOW), on())
                .await()
                .indefinitely();
    }

    // ------------------------------------------------------------------------------------------ exemptions

    @Test
    void anExemptionEndsInTheFutureWithinNinetyDaysAndHasAReason() {
        ExemptionService exemptions = new ExemptionService(null, null, null, null, CLOCK, config(false));
        ExemptionService.ExemptionInput ok = exemptions.validate(NOW.plus(Duration.ofDays(90)), "  on leave ");
        assertThat(ok.reason()).isEqualTo("on leave");
        assertThat(ok.until()).isEqualTo(NOW.plus(Duration.ofDays(90)));

        refused(
                () -> exemptions.validate(NOW.plus(Duration.ofDays(90)).plusMillis(1), "r"),
                "exemption-too-long",
                "until");
        refused(() -> exemptions.validate(NOW, "r"), "exemption-in-past", "until");
        refused(() -> exemptions.validate(NOW.minusSeconds(1), "r"), "exemption-in-past", "until");
        refused(() -> exemptions.validate(null, "r"), "invalid-exemption", "until");
        refused(() -> exemptions.validate(NOW.plusSeconds(60), null), "invalid-exemption", "reason");
        refused(() -> exemptions.validate(NOW.plusSeconds(60), " \t "), "invalid-exemption", "reason");
        refused(() -> exemptions.validate(NOW.plusSeconds(60), "x".repeat(501)), "invalid-exemption", "reason");
    }

    @Test
    void anExemptUserIsOptionalPastTheDeadlineButAPayUserIsAlwaysRequired() {
        OrgPolicy enforced = OrgPolicy.defaults("acme", NOW);
        enforced.enabled = true;
        enforced.enforced = true;
        assertThat(OrgPolicy.requirementFor(enforced, false, true)).isEqualTo(Requirement.OPTIONAL);
        assertThat(OrgPolicy.requirementFor(enforced, false, false)).isEqualTo(Requirement.REQUIRED);
        assertThat(OrgPolicy.requirementFor(enforced, true, true)).isEqualTo(Requirement.REQUIRED);
        OrgPolicy off = OrgPolicy.defaults("acme", NOW);
        assertThat(OrgPolicy.requirementFor(off, false, true)).isEqualTo(Requirement.NOT_REQUIRED);
        assertThat(OrgPolicy.requirementFor(off, true, false)).isEqualTo(Requirement.REQUIRED);
    }

    // ------------------------------------------------------------------------------------------ audit

    @Test
    void locksAndRecoveryCodeUsesBecomeAuditRowsAndNothingElseDoes() {
        AuditRepository repo = mock(AuditRepository.class);
        when(repo.append(anyString(), any(), anyString(), any(), any(), any()))
                .thenReturn(Uni.createFrom().voidItem());
        EventCodec codec = new EventCodec();
        AuditService audit = new AuditService(repo, codec, CLOCK);
        Instant at = NOW.minusSeconds(30);

        audit.verification(codec.wrap("/test", new Events.UserLocked("u1", "acme", 10, at), NOW))
                .await()
                .indefinitely();
        verify(repo).append("acme", at, AuditTypes.USER_LOCKED, null, "u1", Map.of("consecutiveFailures", 10));

        audit.verification(codec.wrap(
                        "/test",
                        new Events.RecoveryCodeUsed(UUID.randomUUID(), "u2", "acme", UUID.randomUUID(), at),
                        NOW))
                .await()
                .indefinitely();
        verify(repo).append("acme", at, AuditTypes.RECOVERY_CODE_USED, "u2", "u2", Map.of());

        CloudEvent failed =
                codec.wrap("/test", new Events.VerificationFailed(UUID.randomUUID(), "u3", "acme", "TOTP", 1, at), NOW);
        audit.verification(failed).await().indefinitely();
        audit.verification(codec.wrap("/test", new Events.UserLocked("u4", null, 10, at), NOW))
                .await()
                .indefinitely();
        verify(repo, never())
                .append(anyString(), any(), anyString(), any(), org.mockito.ArgumentMatchers.eq("u3"), any());
        verify(repo, never()).append(any(), any(), anyString(), any(), org.mockito.ArgumentMatchers.eq("u4"), any());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static PolicyService.PolicyInput on() {
        return new PolicyService.PolicyInput(true, NOW.plus(Duration.ofDays(14)), false, List.of(Method.TOTP));
    }

    private static PolicyService policies(AvailabilityRepository repo, boolean defaultAvailable) {
        PolicyService policies = new PolicyService(null, CLOCK, null, null, null);
        policies.availability = repo;
        policies.orgAdmin = config(defaultAvailable);
        return policies;
    }

    private static OrgAdminConfig config(boolean defaultAvailable) {
        return new OrgAdminConfig() {
            @Override
            public boolean defaultAvailable() {
                return defaultAvailable;
            }

            @Override
            public Duration maxExemption() {
                return Duration.ofDays(90);
            }

            @Override
            public int sweepBatchSize() {
                return 200;
            }

            @Override
            public Duration exemptionEndingNotice() {
                return Duration.ofDays(3);
            }

            @Override
            public String sweepEvery() {
                return "30s";
            }

            @Override
            public int previewSampleSize() {
                return 20;
            }
        };
    }
}
