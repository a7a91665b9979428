package dev.mfa.enrollment.service;

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
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Exemptions (CONTRACT §3): an org admin lets one user stay OPTIONAL past the deadline for at most 90 days, never a
 * Pay user. Granting, revoking and the end of an exemption each switch the user's requirement at most once, with an
 * {@code mfa.user-requirement.changed} of reason {@code exemption-granted}, {@code exemption-revoked} or
 * {@code exemption-expired}, and an audit row, in one transaction.
 */
@ApplicationScoped
public class ExemptionService {

    public static final String REASON_GRANTED = "exemption-granted";
    public static final String REASON_REVOKED = "exemption-revoked";
    public static final String REASON_EXPIRED = "exemption-expired";
    public static final int MAX_REASON_LENGTH = 500;

    private static final Logger LOG = Logger.getLogger(ExemptionService.class);

    private final ExemptionRepository exemptions;
    private final AuditRepository audit;
    private final PolicyService policies;
    private final Outbox outbox;
    private final Clock clock;
    private final OrgAdminConfig config;
    /** The "exemption ending" e-mail; field-injected to keep the constructor as it is. */
    @jakarta.inject.Inject
    SecurityNotices notices;
    /** The roster; field-injected to keep the constructor as it is. */
    @jakarta.inject.Inject
    OrgUserRepository users;

    public ExemptionService(
            ExemptionRepository exemptions,
            AuditRepository audit,
            PolicyService policies,
            Outbox outbox,
            Clock clock,
            OrgAdminConfig config) {
        this.exemptions = exemptions;
        this.audit = audit;
        this.policies = policies;
        this.outbox = outbox;
        this.clock = clock;
        this.config = config;
    }

    public record ExemptionView(String userId, Instant until, String reason, String grantedBy) {}

    /** A validated request. */
    public record ExemptionInput(Instant until, String reason) {}

    /** 422 naming the field: {@code until} in the future and at most 90 days ahead, a reason. Reads nothing. */
    public ExemptionInput validate(Instant until, String reason) {
        if (until == null) {
            throw ProblemException.unprocessable("invalid-exemption", "until is required.", "until");
        }
        String trimmed = reason == null ? "" : reason.strip();
        if (trimmed.isEmpty()) {
            throw ProblemException.unprocessable("invalid-exemption", "reason is required.", "reason");
        }
        if (trimmed.length() > MAX_REASON_LENGTH) {
            throw ProblemException.unprocessable(
                    "invalid-exemption", "reason must be at most " + MAX_REASON_LENGTH + " characters.", "reason");
        }
        Instant now = clock.instant();
        Instant end = until.truncatedTo(ChronoUnit.MILLIS);
        if (!end.isAfter(now)) {
            throw ProblemException.unprocessable("exemption-in-past", "until must be in the future.", "until");
        }
        if (end.isAfter(now.plus(config.maxExemption()))) {
            throw ProblemException.unprocessable(
                    "exemption-too-long",
                    "An exemption lasts at most " + config.maxExemption().toDays() + " days.",
                    "until");
        }
        return new ExemptionInput(end, trimmed);
    }

    /** Grants or replaces the user's exemption; 404 for a user not on the org's roster, 422 for a Pay user. */
    @WithTransaction
    public Uni<ExemptionView> grant(String orgId, String userId, ExemptionInput input, String adminId) {
        Instant now = clock.instant();
        return exemptions
                .lock(userId, orgId)
                .flatMap(existing -> policies.lockPolicy(orgId))
                .flatMap(policy -> member(orgId, userId).flatMap(user -> {
                    if (user.isPayUser()) {
                        throw ProblemException.unprocessable(
                                "pay-user-not-exemptible",
                                "Pay users always need MFA; they cannot be exempted.",
                                "userId");
                    }
                    Exemption e = new Exemption(userId, orgId, input.until(), input.reason(), adminId);
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("until", input.until().toString());
                    detail.put("reason", input.reason());
                    return exemptions
                            .save(e, now)
                            .flatMap(i ->
                                    switchTo(user, OrgPolicy.requirementFor(policy, false, true), REASON_GRANTED, now))
                            .flatMap(i ->
                                    audit.append(orgId, now, AuditTypes.EXEMPTION_GRANTED, adminId, userId, detail))
                            .replaceWith(new ExemptionView(userId, input.until(), input.reason(), adminId));
                }));
    }

    /** Ends the user's exemption now (204 also when there was none); 404 for a user not on the org's roster. */
    @WithTransaction
    public Uni<Void> revoke(String orgId, String userId, String adminId) {
        Instant now = clock.instant();
        return exemptions
                .lock(userId, orgId)
                .flatMap(existing -> policies.lockPolicy(orgId)
                        .flatMap(policy -> member(orgId, userId)
                                .flatMap(user -> existing.isEmpty()
                                        ? Uni.createFrom().voidItem()
                                        : exemptions
                                                .delete(userId, orgId)
                                                .flatMap(i -> switchTo(
                                                        user,
                                                        OrgPolicy.requirementFor(policy, user.isPayUser()),
                                                        REASON_REVOKED,
                                                        now))
                                                .flatMap(i -> audit.append(
                                                        orgId,
                                                        now,
                                                        AuditTypes.EXEMPTION_REVOKED,
                                                        adminId,
                                                        userId,
                                                        Map.of(
                                                                "until",
                                                                existing.get()
                                                                        .until()
                                                                        .toString()))))));
    }

    /**
     * Ends every exemption whose time has come, {@code mfa.org-admin.sweep-batch-size} per transaction; returns how
     * many ended. Runs outside any transaction.
     */
    public Uni<Integer> expireDue() {
        return Panache.withTransaction(() -> exemptions
                        .claimExpired(clock.instant(), config.sweepBatchSize())
                        .flatMap(claimed -> Multi.createFrom()
                                .iterable(claimed)
                                .onItem()
                                .transformToUniAndConcatenate(this::expire)
                                .collect()
                                .asList()
                                .replaceWith(claimed.size())))
                .flatMap(count -> count < config.sweepBatchSize()
                        ? Uni.createFrom().item(count)
                        : expireDue().map(more -> count + more));
    }

    private Uni<Void> expire(Exemption e) {
        Instant now = clock.instant();
        return policies.sharePolicy(e.orgId())
                .flatMap(policy -> users.lock(e.userId())
                        .flatMap(user -> user == null || !user.orgId.equals(e.orgId())
                                ? Uni.createFrom().voidItem()
                                : switchTo(
                                        user, OrgPolicy.requirementFor(policy, user.isPayUser()), REASON_EXPIRED, now))
                        .flatMap(i -> audit.append(
                                e.orgId(),
                                now,
                                AuditTypes.EXEMPTION_EXPIRED,
                                null,
                                e.userId(),
                                Map.of("until", e.until().toString()))))
                .invoke(() -> LOG.infof("org %s: exemption of user %s ended", e.orgId(), e.userId()));
    }

    @Scheduled(
            every = "${mfa.org-admin.sweep-every}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return expireDue()
                .flatMap(i -> noticeEnding())
                .onFailure()
                .invoke(e -> LOG.warnf(
                        "exemption sweep failed, will retry: %s", e.getClass().getSimpleName()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Asks for the "exemption ending" e-mail of every exemption that ends within
     * {@code mfa.org-admin.exemption-ending-notice}, once each (claimed and marked in the same transaction as the
     * outbox row; the request id is derived from the user and the end, so a retry cannot send it twice).
     */
    public Uni<Integer> noticeEnding() {
        Instant now = clock.instant();
        return Panache.withTransaction(() -> exemptions
                        .claimEnding(now, now.plus(config.exemptionEndingNotice()), config.sweepBatchSize())
                        .flatMap(claimed -> Multi.createFrom()
                                .iterable(claimed)
                                .onItem()
                                .transformToUniAndConcatenate(e -> notices.exemptionEnding(e.userId(), e.until()))
                                .collect()
                                .asList()
                                .replaceWith(claimed.size())))
                .flatMap(count -> count < config.sweepBatchSize()
                        ? Uni.createFrom().item(count)
                        : noticeEnding().map(more -> count + more));
    }

    /** Inside a transaction: the roster row of a member of the org, row-locked; else 404. */
    private Uni<OrgUser> member(String orgId, String userId) {
        return users.lock(userId).map(user -> {
            if (user == null || !user.orgId.equals(orgId)) {
                throw ProblemException.notFound("No such user in this organization.");
            }
            return user;
        });
    }

    /** Inside a transaction: sets and announces the user's requirement when it differs. */
    private Uni<Void> switchTo(OrgUser user, Requirement target, String reason, Instant now) {
        Requirement previous = user.requirement;
        if (previous == target) {
            return Uni.createFrom().voidItem();
        }
        user.requirement = target;
        user.updatedAt = now;
        return outbox.publish(
                        Topics.USER_REQUIREMENTS,
                        new Events.UserRequirementChanged(
                                user.userId, user.orgId, target.name(), previous.name(), reason))
                .replaceWithVoid();
    }

    /** For {@code GET /me/mfa}: when the user's exemption ends (null when not exempt). */
    public Uni<Instant> exemptUntil(String userId, String orgId) {
        return exemptions
                .find(userId, orgId)
                .map(found -> found.map(Exemption::until).orElse(null));
    }
}
