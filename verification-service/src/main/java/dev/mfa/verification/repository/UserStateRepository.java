package dev.mfa.verification.repository;

import dev.mfa.verification.domain.UserState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;

/** Per-user requirement and failure state. Every method runs in the caller's session/transaction. */
@ApplicationScoped
public class UserStateRepository implements PanacheRepositoryBase<UserState, String> {

    /** Makes sure the user's row exists (requirement {@code NOT_REQUIRED} until told otherwise). */
    public Uni<Integer> ensure(String userId, String orgId, Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into user_state (user_id, org_id, "
                                + "requirement, consecutive_failures, updated_at) values (:user, :org, :req, 0, :now) "
                                + "on conflict (user_id) do nothing")
                        .setParameter("user", userId)
                        .setParameter("org", orgId)
                        .setParameter("req", UserState.NOT_REQUIRED)
                        .setParameter("now", now)
                        .executeUpdate());
    }

    public Uni<Integer> setRequirement(String userId, String orgId, String requirement, Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into user_state (user_id, org_id, "
                                + "requirement, consecutive_failures, updated_at) values (:user, :org, :req, 0, :now) "
                                + "on conflict (user_id) do update set requirement = excluded.requirement, "
                                + "org_id = excluded.org_id, updated_at = excluded.updated_at")
                        .setParameter("user", userId)
                        .setParameter("org", orgId)
                        .setParameter("req", requirement)
                        .setParameter("now", now)
                        .executeUpdate());
    }

    /** Admin reset made at {@code resetAt}: the failure count, any wait and a lock older than the reset are gone. */
    public Uni<Integer> clearFailures(String userId, Instant resetAt, Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("update user_state set consecutive_failures = 0, "
                                + "blocked_until = null, locked_at = null, updated_at = :now where user_id = :user "
                                + "and (locked_at is null or locked_at < :resetAt)")
                        .setParameter("user", userId)
                        .setParameter("resetAt", resetAt)
                        .setParameter("now", now)
                        .executeUpdate());
    }

    /** Locks the user's state row (created if missing) for this transaction: one user's requests go one by one. */
    public Uni<UserState> lock(String userId, String orgId, Instant now) {
        return ensure(userId, orgId, now).flatMap(ignored -> findById(userId, LockModeType.PESSIMISTIC_WRITE));
    }
}
