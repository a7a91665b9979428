package dev.mfa.enrollment.repository;

import dev.mfa.enrollment.domain.RecoveryCode;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.UUID;

/** Users' recovery codes, at most one each (table {@code recovery_code}). Runs in the caller's session. */
@ApplicationScoped
public class RecoveryCodeRepository implements PanacheRepositoryBase<RecoveryCode, String> {

    /** Inside a transaction: the user's code, row-locked for the rest of it; null when there is none. */
    public Uni<RecoveryCode> lock(String userId) {
        return findById(userId, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Whether the user holds an unused code. A count, not the entity: a later {@link #lock} of an entity already in
     * the session is a lock upgrade, for which Hibernate Reactive issues broken SQL (a used code then answered 500).
     */
    public Uni<Boolean> hasActive(String userId) {
        return count("userId = ?1 and status = ?2", userId, RecoveryCode.ACTIVE).map(n -> n > 0);
    }

    /** Inside a transaction: deletes the code by a statement run at once (as factors are), then detaches it. */
    public Uni<Void> deleteNow(RecoveryCode code) {
        return delete("userId", code.userId)
                .call(deleted -> FactorRepository.detach(code))
                .replaceWithVoid();
    }

    /** Inside a transaction: the code {@code recoveryCodeId} of the user was spent; how many rows changed. */
    public Uni<Integer> markUsed(String userId, UUID recoveryCodeId, Instant usedAt) {
        return update(
                "status = ?1, usedAt = ?2 where userId = ?3 and recoveryCodeId = ?4 and status = ?5",
                RecoveryCode.USED,
                usedAt,
                userId,
                recoveryCodeId,
                RecoveryCode.ACTIVE);
    }
}
