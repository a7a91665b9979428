package dev.mfa.enrollment.service;

import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.Requirement;
import dev.mfa.enrollment.repository.ExemptionRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code GET /me/mfa} and {@code GET /sms-countries}. */
@ApplicationScoped
public class MyMfaService {

    private static final long SECONDS_PER_DAY = Duration.ofDays(1).toSeconds();

    private final PolicyService policies;
    private final FactorService factors;
    private final PhoneNumbers phones;
    private final Clock clock;
    private final OrgUserRepository users;
    private final ExemptionRepository exemptions;

    public MyMfaService(
            PolicyService policies,
            FactorService factors,
            PhoneNumbers phones,
            Clock clock,
            OrgUserRepository users,
            ExemptionRepository exemptions) {
        this.users = users;
        this.exemptions = exemptions;
        this.policies = policies;
        this.factors = factors;
        this.phones = phones;
        this.clock = clock;
    }

    public record Status(
            String userId,
            String orgId,
            Requirement requirement,
            Instant enforcementDeadline,
            Long daysUntilEnforcement,
            List<FactorService.FactorView> factors,
            Map<String, String> recoveryCode,
            List<PhoneNumbers.SmsCountry> smsCountries,
            Instant exemptUntil) {}

    @WithSession
    public Uni<Status> status(Caller caller) {
        return policies.find(caller.orgId())
                .flatMap(policy -> users.findById(caller.userId())
                        .flatMap(user -> factors.list(caller)
                                .flatMap(list -> factors.recoveryCodeStatus(caller.userId())
                                        .flatMap(rc -> exemptions
                                                .find(caller.userId(), caller.orgId())
                                                .map(exemption -> {
                                                    // The roster is the source of truth; a caller it does not know yet
                                                    // gets the policy's answer.
                                                    Requirement requirement = user != null
                                                                    && user.orgId.equals(caller.orgId())
                                                            ? user.requirement
                                                            : OrgPolicy.requirementFor(policy, caller.isPayUser());
                                                    Instant deadline =
                                                            policy.enabled ? policy.enforcementDeadline : null;
                                                    return new Status(
                                                            caller.userId(),
                                                            caller.orgId(),
                                                            requirement,
                                                            deadline,
                                                            daysUntil(deadline),
                                                            list,
                                                            Map.of("status", rc),
                                                            smsCountries(caller, policy),
                                                            exemption
                                                                    .map(ExemptionRepository.Exemption::until)
                                                                    .orElse(null));
                                                })))));
    }

    @WithSession
    public Uni<List<PhoneNumbers.SmsCountry>> smsCountries(Caller caller) {
        return policies.find(caller.orgId()).map(policy -> smsCountries(caller, policy));
    }

    private List<PhoneNumbers.SmsCountry> smsCountries(Caller caller, OrgPolicy policy) {
        return policy.allows(Method.SMS) ? phones.countriesFor(caller) : List.of();
    }

    /** Whole days left, rounded up (a deadline later today is 1 day away); 0 once passed. */
    private Long daysUntil(Instant deadline) {
        if (deadline == null) {
            return null;
        }
        long seconds = Duration.between(clock.instant(), deadline).toSeconds();
        return seconds <= 0 ? 0L : (seconds + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY;
    }
}
