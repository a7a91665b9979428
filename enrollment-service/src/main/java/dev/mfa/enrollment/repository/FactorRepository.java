package dev.mfa.enrollment.repository;

import dev.mfa.enrollment.domain.Factor;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Users' factors (table {@code factor}; every row is active). Every method runs in the caller's session. */
@ApplicationScoped
public class FactorRepository implements PanacheRepositoryBase<Factor, UUID> {

    private static final String OF_USER = "userId = ?1 order by createdAt, factorId";

    /** The user's factors, oldest first. */
    public Uni<List<Factor>> ofUser(String userId) {
        return list(OF_USER, userId);
    }

    /**
     * Inside a transaction: the user's factors, row-locked ({@code for update}) in a fixed order. Whoever removes
     * them locks them first, so that two removals of the same factor (two admin resets, a reset and the user's own
     * delete) run one after the other and the second finds nothing left: an unlocked entity delete that hits an
     * already deleted row fails in Hibernate Reactive's stale-state handling and can leave the transaction open for
     * good (the soak's hanging resets).
     */
    public Uni<List<Factor>> lockOfUser(String userId) {
        return find(OF_USER, userId).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    public Uni<Long> countOfUser(String userId) {
        return count("userId", userId);
    }

    /** The user's factors held in {@code orgId}. */
    public Uni<Long> countInOrg(String userId, String orgId) {
        return count("userId = ?1 and orgId = ?2", userId, orgId);
    }

    /** The user's factors held in an org other than {@code orgId}. */
    public Uni<Long> countOutsideOrg(String userId, String orgId) {
        return count("userId = ?1 and orgId <> ?2", userId, orgId);
    }

    /**
     * Inside a transaction: deletes the factor by a statement run at once, not an entity removal left to the flush
     * (the 15-minute soak still saw 0.6 % of admin resets stall in the commit right after the flushed
     * {@code delete from factor}, with the transaction left open), then drops it from the session.
     */
    public Uni<Void> deleteNow(Factor factor) {
        return delete("factorId", factor.factorId)
                .call(deleted -> detach(factor))
                .replaceWithVoid();
    }

    /** Inside a transaction: remembers when the factor last signed the user in (never moving backwards). */
    public Uni<Integer> markUsed(UUID factorId, String userId, Instant at) {
        return update(
                "lastUsedAt = ?1 where factorId = ?2 and userId = ?3 and (lastUsedAt is null or lastUsedAt < ?1)",
                at,
                factorId,
                userId);
    }

    /** Drops an entity its delete statement removed from the session, so nothing of it is flushed later. */
    static Uni<Void> detach(Object entity) {
        return Panache.getSession().invoke(session -> session.detach(entity)).replaceWithVoid();
    }
}
