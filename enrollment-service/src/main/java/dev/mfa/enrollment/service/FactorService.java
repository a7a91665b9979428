package dev.mfa.enrollment.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.domain.RecoveryCode;
import dev.mfa.enrollment.domain.Requirement;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user's active factors and recovery code. */
@ApplicationScoped
public class FactorService {

    public static final String REASON_USER = "user";
    public static final String REASON_REPLACED = "replaced";
    public static final String REASON_ADMIN_RESET = "admin-reset";

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(FactorService.class);

    private final Outbox outbox;
    /** Field-injected to keep the constructor as it is (other changes edit it). */
    @jakarta.inject.Inject
    SecurityNotices notices;

    private final Clock clock;
    /** The org audit trail (issue 18); field-injected to keep the constructor as it is. */
    @jakarta.inject.Inject
    dev.mfa.enrollment.repository.AuditRepository audit;

    private final RecoveryCodes recoveryCodes = new RecoveryCodes();
    /** Keyed recovery-code hashes (issue 15 #14); field-injected like {@link #notices}, for easy merges. */
    @jakarta.inject.Inject
    dev.mfa.core.recovery.RecoveryCodeHasher recoveryHasher;

    public FactorService(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    public record FactorView(
            UUID factorId,
            Method method,
            String label,
            String phoneMasked,
            String status,
            Instant createdAt,
            Instant lastUsedAt) {
        public static FactorView of(Factor f) {
            return new FactorView(f.factorId, f.method, f.label, f.phoneMasked, f.status, f.createdAt, f.lastUsedAt);
        }
    }

    public Uni<List<Factor>> active(String userId) {
        return Factor.<Factor>find("userId = ?1 and status = ?2 order by createdAt, factorId", userId, Factor.ACTIVE)
                .list();
    }

    @WithSession
    public Uni<List<FactorView>> list(Caller caller) {
        return active(caller.userId()).map(fs -> fs.stream().map(FactorView::of).toList());
    }

    /**
     * Removes one of the caller's factors; the last one takes the recovery code with it. The user's factors are
     * row-locked first, so that two parallel deletions run one after the other and the second sees the first's
     * result (else both see two factors and a REQUIRED user can end with none).
     */
    @WithTransaction
    public Uni<Void> delete(Caller caller, UUID factorId, OrgPolicy policy) {
        return lockActive(caller.userId()).flatMap(factors -> {
            Factor factor = factors.stream()
                    .filter(f -> f.factorId.equals(factorId))
                    .findFirst()
                    .orElseThrow(() -> ProblemException.notFound("No such factor."));
            boolean last = factors.size() == 1;
            return OrgUser.<OrgUser>findById(caller.userId()).flatMap(user -> {
                Requirement requirement =
                        user != null ? user.requirement : OrgPolicy.requirementFor(policy, caller.isPayUser());
                if (last && requirement == Requirement.REQUIRED) {
                    throw ProblemException.conflict(
                            "last-factor", "MFA is required for you: add another factor before removing this one.");
                }
                Uni<Void> removed =
                        remove(factor, REASON_USER).flatMap(i -> notices.factorRemoved(factor, clock.instant()));
                return last ? removed.flatMap(i -> revokeRecoveryCode(caller.userId(), REASON_USER)) : removed;
            });
        });
    }

    /**
     * Inside a transaction: deletes the factor and announces it. A statement ({@code delete ... where}) run at once,
     * not an entity removal left to the flush: the 15-minute soak still saw 0.6 % of admin resets stall in the commit
     * right after the flushed {@code delete from factor}, with the transaction left open.
     */
    public Uni<Void> remove(Factor factor, String reason) {
        LOG.infof("factor %s (%s) of user %s removed: %s", factor.factorId, factor.method, factor.userId, reason);
        return Factor.delete("factorId = ?1", factor.factorId)
                .call(deleted -> detach(factor))
                .flatMap(i -> outbox.publish(
                        Topics.FACTORS,
                        new Events.FactorRemoved(
                                factor.factorId, factor.userId, factor.orgId, reason, clock.instant())))
                .flatMap(i -> audited(factor, reason))
                .replaceWithVoid();
    }

    /**
     * Inside a transaction: the audit row of a removal. An admin reset has its own row (with the admin as actor); the
     * user removes their own factors (or replaces one); anything else (the user left the org) is the system's.
     */
    private Uni<Void> audited(Factor factor, String reason) {
        if (REASON_ADMIN_RESET.equals(reason)) {
            return Uni.createFrom().voidItem();
        }
        String actor = REASON_USER.equals(reason) || REASON_REPLACED.equals(reason) ? factor.userId : null;
        return audit.append(
                factor.orgId,
                clock.instant(),
                AuditTypes.FACTOR_REMOVED,
                actor,
                factor.userId,
                java.util.Map.of("method", factor.method.name(), "reason", reason));
    }

    /**
     * Inside a transaction: the user's active factors, row-locked ({@code for update}) in a fixed order. Whoever
     * removes them locks them first, so that two removals of the same factor (two admin resets, a reset and the
     * user's own delete) run one after the other and the second finds nothing left: an unlocked entity delete that
     * hits an already deleted row fails in Hibernate Reactive's stale-state handling and can leave the transaction
     * open for good (the soak's hanging resets).
     */
    public Uni<List<Factor>> lockActive(String userId) {
        return Factor.<Factor>find("userId = ?1 and status = ?2 order by createdAt, factorId", userId, Factor.ACTIVE)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
    }

    /** Inside a transaction: every factor and the recovery code; true when something was removed. */
    public Uni<Boolean> removeAll(String userId, String reason) {
        return removeAll(userId, null, reason);
    }

    /**
     * Inside a transaction: the factors and recovery code the user holds in {@code orgId} (every org when null), so
     * that an admin's reset never reaches into another org. True when a factor was removed.
     */
    public Uni<Boolean> removeAll(String userId, String orgId, String reason) {
        return lockActive(userId).flatMap(all -> {
            List<Factor> factors = all.stream()
                    .filter(f -> orgId == null || orgId.equals(f.orgId))
                    .toList();
            return Multi.createFrom()
                    .iterable(factors)
                    .onItem()
                    .transformToUniAndConcatenate(f -> remove(f, reason))
                    .collect()
                    .asList()
                    .flatMap(i -> revokeRecoveryCode(userId, orgId, reason))
                    .map(i -> !factors.isEmpty());
        });
    }

    /**
     * Inside a transaction: deletes the user's recovery code, if any, and announces it (row-locked first, as above;
     * deleted by a statement, as in {@link #remove}).
     */
    public Uni<Void> revokeRecoveryCode(String userId, String reason) {
        return revokeRecoveryCode(userId, null, reason);
    }

    /** As above, only when the code was issued in {@code orgId} (any org when null). */
    public Uni<Void> revokeRecoveryCode(String userId, String orgId, String reason) {
        return RecoveryCode.<RecoveryCode>findById(userId, LockModeType.PESSIMISTIC_WRITE)
                .flatMap(code -> code == null || (orgId != null && !orgId.equals(code.orgId))
                        ? Uni.createFrom().voidItem()
                        : RecoveryCode.delete("userId = ?1", userId)
                                .call(deleted -> detach(code))
                                .flatMap(i -> outbox.publish(
                                        Topics.FACTORS,
                                        new Events.RecoveryCodeRevoked(
                                                code.recoveryCodeId, userId, code.orgId, reason, clock.instant())))
                                .replaceWithVoid());
    }

    /** Drops an entity its delete statement removed from the session, so nothing of it is flushed later. */
    private static Uni<Void> detach(Object entity) {
        return Panache.getSession().invoke(session -> session.detach(entity)).replaceWithVoid();
    }

    /** Inside a transaction: a new code replaces any previous one; returns the code to show once. */
    public Uni<String> issueRecoveryCode(String userId, String orgId) {
        String code = recoveryCodes.generate();
        LOG.debugf("new recovery code for user %s", userId);
        Instant now = clock.instant();
        return revokeRecoveryCode(userId, REASON_REPLACED)
                .flatMap(i -> {
                    RecoveryCode row = new RecoveryCode();
                    row.userId = userId;
                    row.orgId = orgId;
                    row.recoveryCodeId = UUID.randomUUID();
                    row.codeHash = recoveryHasher.hash(code);
                    row.status = RecoveryCode.ACTIVE;
                    row.issuedAt = now;
                    return row.persist()
                            .flatMap(p -> outbox.publish(
                                    Topics.FACTORS,
                                    new Events.RecoveryCodeIssued(
                                            row.recoveryCodeId, userId, orgId, row.codeHash, now)));
                })
                .replaceWith(code);
    }

    /** {@code POST /me/mfa/recovery-code}: only for a user with a factor. */
    @WithTransaction
    public Uni<String> regenerateRecoveryCode(Caller caller) {
        return Factor.count("userId = ?1 and status = ?2", caller.userId(), Factor.ACTIVE)
                .flatMap(count -> {
                    if (count == 0) {
                        throw ProblemException.conflict("no-factor", "Enroll a factor before taking a recovery code.");
                    }
                    return issueRecoveryCode(caller.userId(), caller.orgId());
                });
    }

    public Uni<String> recoveryCodeStatus(String userId) {
        return RecoveryCode.<RecoveryCode>findById(userId).map(c -> c == null ? RecoveryCode.NONE : c.status);
    }

    /** From verification-service: the code was spent at sign-in. */
    public Uni<Integer> recoveryCodeUsed(Events.RecoveryCodeUsed used) {
        return RecoveryCode.update(
                "status = ?1, usedAt = ?2 where userId = ?3 and recoveryCodeId = ?4 and status = ?5",
                RecoveryCode.USED,
                used.usedAt() != null ? used.usedAt() : clock.instant(),
                used.userId(),
                used.recoveryCodeId(),
                RecoveryCode.ACTIVE);
    }

    /** From verification-service: remember when a factor last signed the user in. */
    public Uni<Integer> factorUsed(Events.VerificationSucceeded event) {
        if (event.factorId() == null) {
            return Uni.createFrom().item(0);
        }
        Instant at = event.verifiedAt() != null ? event.verifiedAt() : clock.instant();
        return Factor.update(
                "lastUsedAt = ?1 where factorId = ?2 and userId = ?3 and (lastUsedAt is null " + "or lastUsedAt < ?1)",
                at,
                event.factorId(),
                event.userId());
    }
}
