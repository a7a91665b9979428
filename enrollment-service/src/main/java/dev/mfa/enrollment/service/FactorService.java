package dev.mfa.enrollment.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.recovery.RecoveryCodeHasher;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.RecoveryCode;
import dev.mfa.enrollment.domain.Requirement;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.FactorRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
import dev.mfa.enrollment.repository.RecoveryCodeRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/** A user's factors and recovery code: added, listed, removed, and what verification-service says of their use. */
@ApplicationScoped
public class FactorService {

    public static final String REASON_USER = "user";
    public static final String REASON_REPLACED = "replaced";
    public static final String REASON_ADMIN_RESET = "admin-reset";

    private static final Logger LOG = Logger.getLogger(FactorService.class);

    private final FactorRepository factors;
    private final RecoveryCodeRepository recoveryCodes;
    private final OrgUserRepository users;
    private final Outbox outbox;
    private final SecurityNotices notices;
    private final AuditRepository audit;
    /** Keyed recovery-code hashes (issue 15 #14). */
    private final RecoveryCodeHasher recoveryHasher;

    private final Clock clock;
    private final RecoveryCodes codes = new RecoveryCodes();

    public FactorService(
            FactorRepository factors,
            RecoveryCodeRepository recoveryCodes,
            OrgUserRepository users,
            Outbox outbox,
            SecurityNotices notices,
            AuditRepository audit,
            RecoveryCodeHasher recoveryHasher,
            Clock clock) {
        this.factors = factors;
        this.recoveryCodes = recoveryCodes;
        this.users = users;
        this.outbox = outbox;
        this.notices = notices;
        this.audit = audit;
        this.recoveryHasher = recoveryHasher;
        this.clock = clock;
    }

    /** CONTRACT §3 {@code Factor}; every factor there is is active. */
    public record FactorView(
            UUID factorId,
            Method method,
            String label,
            String phoneMasked,
            String status,
            Instant createdAt,
            Instant lastUsedAt) {
        public static final String ACTIVE = "ACTIVE";

        public static FactorView of(Factor f) {
            return new FactorView(f.factorId, f.method, f.label, f.phoneMasked, ACTIVE, f.createdAt, f.lastUsedAt);
        }
    }

    @WithSession
    public Uni<List<FactorView>> list(Caller caller) {
        return factors.ofUser(caller.userId())
                .map(fs -> fs.stream().map(FactorView::of).toList());
    }

    /**
     * Inside the confirmation's transaction: adds the confirmed factor and announces it ({@code enrolled} carries its
     * secret or number for verification-service). A factor of the same method is replaced (new phone, new device).
     * Returns the user's first recovery code, to show once, or null when they hold an unused one.
     */
    public Uni<String> add(Factor factor, Events.FactorEnrolled enrolled, Instant now) {
        return factors.ofUser(factor.userId)
                .flatMap(existing -> removeEach(
                        existing.stream().filter(x -> x.method == factor.method).toList(), REASON_REPLACED))
                .flatMap(i -> factors.persist(factor))
                .flatMap(i -> outbox.publish(Topics.FACTORS, enrolled))
                .flatMap(i -> notices.factorAdded(factor, now))
                .flatMap(i -> audit.append(
                        factor.orgId,
                        now,
                        AuditTypes.FACTOR_ENROLLED,
                        factor.userId,
                        factor.userId,
                        Map.of("method", factor.method.name(), "label", factor.label)))
                .flatMap(i -> recoveryCodes.hasActive(factor.userId))
                .flatMap(held ->
                        held ? Uni.createFrom().<String>nullItem() : issueRecoveryCode(factor.userId, factor.orgId));
    }

    /**
     * Removes one of the caller's factors; the last one takes the recovery code with it. The user's factors are
     * row-locked first, so that two parallel deletions run one after the other and the second sees the first's
     * result (else both see two factors and a REQUIRED user can end with none).
     */
    @WithTransaction
    public Uni<Void> delete(Caller caller, UUID factorId, OrgPolicy policy) {
        return factors.lockOfUser(caller.userId()).flatMap(held -> {
            Factor factor = held.stream()
                    .filter(f -> f.factorId.equals(factorId))
                    .findFirst()
                    .orElseThrow(() -> ProblemException.notFound("No such factor."));
            boolean last = held.size() == 1;
            return users.findById(caller.userId()).flatMap(user -> {
                Requirement requirement =
                        user != null ? user.requirement : OrgPolicy.requirementFor(policy, caller.isPayUser());
                if (last && requirement == Requirement.REQUIRED) {
                    throw ProblemException.conflict(
                            "last-factor", "MFA is required for you: add another factor before removing this one.");
                }
                Uni<Void> removed =
                        remove(factor, REASON_USER).flatMap(i -> notices.factorRemoved(factor, clock.instant()));
                return last ? removed.flatMap(i -> revokeRecoveryCode(caller.userId(), null, REASON_USER)) : removed;
            });
        });
    }

    /** Inside a transaction: deletes the factor and announces it (row-locked first, see {@code lockOfUser}). */
    private Uni<Void> remove(Factor factor, String reason) {
        LOG.infof("factor %s (%s) of user %s removed: %s", factor.factorId, factor.method, factor.userId, reason);
        return factors.deleteNow(factor)
                .flatMap(i -> outbox.publish(
                        Topics.FACTORS,
                        new Events.FactorRemoved(
                                factor.factorId, factor.userId, factor.orgId, reason, clock.instant())))
                .flatMap(i -> audited(factor, reason));
    }

    private Uni<Void> removeEach(List<Factor> removed, String reason) {
        return Multi.createFrom()
                .iterable(removed)
                .onItem()
                .transformToUniAndConcatenate(f -> remove(f, reason))
                .collect()
                .asList()
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
                Map.of("method", factor.method.name(), "reason", reason));
    }

    /**
     * Inside a transaction: the factors and recovery code the user holds in {@code orgId} (every org when null), so
     * that an admin's reset never reaches into another org. Factors are row-locked first, then the recovery code
     * (the order of a confirmation). Returns the factors removed.
     */
    public Uni<List<Factor>> removeAll(String userId, String orgId, String reason) {
        return factors.lockOfUser(userId).flatMap(all -> {
            List<Factor> removed = all.stream()
                    .filter(f -> orgId == null || orgId.equals(f.orgId))
                    .toList();
            return removeEach(removed, reason)
                    .flatMap(i -> revokeRecoveryCode(userId, orgId, reason))
                    .replaceWith(removed);
        });
    }

    /**
     * Inside a transaction: deletes the user's recovery code, if any and issued in {@code orgId} (any org when null),
     * and announces it (row-locked first; deleted by a statement, as factors are).
     */
    private Uni<Void> revokeRecoveryCode(String userId, String orgId, String reason) {
        return recoveryCodes
                .lock(userId)
                .flatMap(code -> code == null || (orgId != null && !orgId.equals(code.orgId))
                        ? Uni.createFrom().voidItem()
                        : recoveryCodes
                                .deleteNow(code)
                                .flatMap(i -> outbox.publish(
                                        Topics.FACTORS,
                                        new Events.RecoveryCodeRevoked(
                                                code.recoveryCodeId, userId, code.orgId, reason, clock.instant())))
                                .replaceWithVoid());
    }

    /** Inside a transaction: a new code replaces any previous one; returns the code to show once. */
    private Uni<String> issueRecoveryCode(String userId, String orgId) {
        String code = codes.generate();
        LOG.debugf("new recovery code for user %s", userId);
        Instant now = clock.instant();
        RecoveryCode row = new RecoveryCode();
        row.userId = userId;
        row.orgId = orgId;
        row.recoveryCodeId = UUID.randomUUID();
        row.codeHash = recoveryHasher.hash(code);
        row.status = RecoveryCode.ACTIVE;
        row.issuedAt = now;
        return revokeRecoveryCode(userId, null, REASON_REPLACED)
                .flatMap(i -> recoveryCodes.persist(row))
                .flatMap(p -> outbox.publish(
                        Topics.FACTORS,
                        new Events.RecoveryCodeIssued(row.recoveryCodeId, userId, orgId, row.codeHash, now)))
                .replaceWith(code);
    }

    /** {@code POST /me/mfa/recovery-code}: only for a user with a factor. */
    @WithTransaction
    public Uni<String> regenerateRecoveryCode(Caller caller) {
        return factors.countOfUser(caller.userId()).flatMap(count -> {
            if (count == 0) {
                throw ProblemException.conflict("no-factor", "Enroll a factor before taking a recovery code.");
            }
            return issueRecoveryCode(caller.userId(), caller.orgId());
        });
    }

    /** Needs a session: {@code ACTIVE}, {@code USED} or {@code NONE}. */
    public Uni<String> recoveryCodeStatus(String userId) {
        return recoveryCodes.findById(userId).map(c -> c == null ? RecoveryCode.NONE : c.status);
    }

    /** From verification-service, in the consumer's transaction: the code was spent at sign-in. */
    public Uni<Integer> recoveryCodeUsed(Events.RecoveryCodeUsed used) {
        return recoveryCodes.markUsed(
                used.userId(), used.recoveryCodeId(), used.usedAt() != null ? used.usedAt() : clock.instant());
    }

    /** From verification-service, in the consumer's transaction: remember when a factor last signed the user in. */
    public Uni<Integer> factorUsed(Events.VerificationSucceeded event) {
        if (event.factorId() == null) {
            return Uni.createFrom().item(0);
        }
        Instant at = event.verifiedAt() != null ? event.verifiedAt() : clock.instant();
        return factors.markUsed(event.factorId(), event.userId(), at);
    }
}
