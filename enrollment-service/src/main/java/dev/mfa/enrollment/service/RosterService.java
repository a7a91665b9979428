package dev.mfa.enrollment.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.enrollment.domain.Enrollment;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.domain.Requirement;
import dev.mfa.enrollment.repository.ExemptionRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Keeps org rosters from the identity provider's events; every requirement change is announced. */
@ApplicationScoped
public class RosterService {

    public static final String REASON_PAY = "pay-user";
    public static final String REASON_JOINED = "user-joined";
    public static final String REASON_POLICY = "org-policy";
    public static final String REASON_REMOVED = "user-removed";

    private final Outbox outbox;
    private final Clock clock;
    private final PolicyService policies;
    private final FactorService factors;
    /** Field-injected to keep the constructor as it is (other changes edit it). */
    @jakarta.inject.Inject
    ExemptionRepository exemptions;

    public RosterService(Outbox outbox, Clock clock, PolicyService policies, FactorService factors) {
        this.outbox = outbox;
        this.clock = clock;
        this.policies = policies;
        this.factors = factors;
    }

    /** Runs inside the consumer's transaction. */
    public Uni<Void> upsert(Events.UserUpserted user) {
        return policies.sharePolicy(user.orgId())
                .flatMap(policy -> OrgUser.<OrgUser>findById(user.userId())
                        .flatMap(existing -> exemptions
                                .find(user.userId(), user.orgId())
                                .flatMap(exemption -> {
                                    OrgUser row = existing != null ? existing : newUser(user.userId());
                                    Requirement previous =
                                            existing != null ? existing.requirement : Requirement.NOT_REQUIRED;
                                    boolean wasPay = existing != null && existing.isPayUser();
                                    row.orgId = user.orgId();
                                    row.email = user.email();
                                    row.pay = blankToNull(user.pay());
                                    row.updatedAt = clock.instant();
                                    row.requirement =
                                            OrgPolicy.requirementFor(policy, row.isPayUser(), exemption.isPresent());
                                    Uni<Void> persist = row.persist().replaceWithVoid();
                                    if (row.requirement == previous) {
                                        return persist;
                                    }
                                    String reason = row.isPayUser() || wasPay
                                            ? REASON_PAY
                                            : existing == null ? REASON_JOINED : REASON_POLICY;
                                    return persist.flatMap(ignored -> outbox.publish(
                                                    Topics.USER_REQUIREMENTS,
                                                    new Events.UserRequirementChanged(
                                                            row.userId,
                                                            row.orgId,
                                                            row.requirement.name(),
                                                            previous.name(),
                                                            reason)))
                                            .replaceWithVoid();
                                })));
    }

    /** The user left: roster row, factors, recovery code and pending enrollments go; others are told. */
    public Uni<Void> remove(Events.UserRemoved user) {
        return OrgUser.<OrgUser>findById(user.userId()).flatMap(existing -> {
            Uni<Void> requirement = Uni.createFrom().voidItem();
            if (existing != null) {
                Requirement previous = existing.requirement;
                requirement = existing.delete()
                        .flatMap(i -> previous == Requirement.NOT_REQUIRED
                                ? Uni.createFrom().voidItem()
                                : outbox.publish(
                                                Topics.USER_REQUIREMENTS,
                                                new Events.UserRequirementChanged(
                                                        existing.userId,
                                                        existing.orgId,
                                                        Requirement.NOT_REQUIRED.name(),
                                                        previous.name(),
                                                        REASON_REMOVED))
                                        .replaceWithVoid());
            }
            return requirement
                    // An exemption leaves with the user (a later return starts without one).
                    .flatMap(i -> exemptions.delete(user.userId(), user.orgId()))
                    .flatMap(i -> factors.removeAll(user.userId(), REASON_REMOVED))
                    // Cancelled ceremonies keep no secret, number or code hash (as everywhere else).
                    .flatMap(i -> Enrollment.update(
                            "status = ?1, secret = null, phone = null, codeHash = null "
                                    + "where userId = ?2 and status = ?3",
                            Enrollment.Status.CANCELLED,
                            user.userId(),
                            Enrollment.Status.PENDING))
                    .replaceWithVoid();
        });
    }

    private OrgUser newUser(String userId) {
        OrgUser row = new OrgUser();
        row.userId = userId;
        row.createdAt = clock.instant();
        return row;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
