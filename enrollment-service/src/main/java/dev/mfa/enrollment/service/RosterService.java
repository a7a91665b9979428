package dev.mfa.enrollment.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.domain.Requirement;
import dev.mfa.enrollment.repository.EnrollmentRepository;
import dev.mfa.enrollment.repository.ExemptionRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
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

    private final OrgUserRepository users;
    private final ExemptionRepository exemptions;
    private final EnrollmentRepository enrollments;
    private final PolicyService policies;
    private final FactorService factors;
    private final Outbox outbox;
    private final Clock clock;

    public RosterService(
            OrgUserRepository users,
            ExemptionRepository exemptions,
            EnrollmentRepository enrollments,
            PolicyService policies,
            FactorService factors,
            Outbox outbox,
            Clock clock) {
        this.users = users;
        this.exemptions = exemptions;
        this.enrollments = enrollments;
        this.policies = policies;
        this.factors = factors;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Runs inside the consumer's transaction. */
    public Uni<Void> upsert(Events.UserUpserted user) {
        return policies.sharePolicy(user.orgId())
                .flatMap(policy -> users.findById(user.userId())
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
                                    Uni<Void> persist = users.persist(row).replaceWithVoid();
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

    /**
     * The user left: exemption, roster row, pending enrollments, factors and recovery code go; others are told. Rows
     * are locked in the order every other change takes them: the exemption before the roster row (as exemption grants,
     * revocations and expiries do), then the pending enrollments before the factors and the recovery code (as a
     * confirmation and an admin's reset do), so that none of them can deadlock with this.
     */
    public Uni<Void> remove(Events.UserRemoved user) {
        // An exemption leaves with the user (a later return starts without one).
        return exemptions
                .delete(user.userId(), user.orgId())
                .flatMap(i -> users.findById(user.userId()))
                .flatMap(existing -> existing == null ? Uni.createFrom().voidItem() : leave(existing))
                .flatMap(i -> enrollments.cancelAllPending(user.userId()))
                .flatMap(i -> factors.removeAll(user.userId(), null, REASON_REMOVED))
                .replaceWithVoid();
    }

    /** Deletes the roster row and announces the end of the user's requirement, if they had one. */
    private Uni<Void> leave(OrgUser existing) {
        Requirement previous = existing.requirement;
        return users.deleteNow(existing)
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
