package dev.mfa.enrollment.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * Reauth tokens, by the SHA-256 of the token (table {@code reauth_token}), and wrong passwords for the throttle
 * ({@code reauth_failure}). Every method runs in the caller's session or transaction.
 */
@ApplicationScoped
public class ReauthRepository {

    /** The times of the user's latest {@code limit} failures after {@code since}, newest first. */
    public Uni<List<Instant>> recentFailures(String userId, Instant since, int limit) {
        return latest("reauth_failure", "failed_at", userId, since, limit);
    }

    /** The issue times of the user's latest {@code limit} tokens after {@code since}, newest first. */
    public Uni<List<Instant>> recentTokens(String userId, Instant since, int limit) {
        return latest("reauth_token", "created_at", userId, since, limit);
    }

    private static Uni<List<Instant>> latest(String table, String time, String userId, Instant since, int limit) {
        String sql = String.format(
                "select %2$s from %1$s where user_id = :user and %2$s > :since order by %2$s desc", table, time);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(sql, Instant.class)
                        .setParameter("user", userId)
                        .setParameter("since", since)
                        .setMaxResults(limit)
                        .getResultList());
    }

    /** Inside a transaction: counts a failure of the user at {@code at}. */
    public Uni<Void> addFailure(String userId, Instant at) {
        return Panache.getSession()
                .flatMap(
                        s -> s.createNativeQuery("insert into reauth_failure (user_id, failed_at) values (:user, :now)")
                                .setParameter("user", userId)
                                .setParameter("now", at)
                                .executeUpdate())
                .replaceWithVoid();
    }

    /** Inside a transaction: takes back one failure of the user counted at {@code at}. */
    public Uni<Void> removeOneFailure(String userId, Instant at) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("delete from reauth_failure where id in (select id from "
                                + "reauth_failure where user_id = :user and failed_at = :at limit 1)")
                        .setParameter("user", userId)
                        .setParameter("at", at)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** Inside a transaction: forgets the user's failures (a success). */
    public Uni<Void> clearFailures(String userId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("delete from reauth_failure where user_id = :user")
                        .setParameter("user", userId)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** Inside a transaction: stores a token by its hash. */
    public Uni<Void> addToken(String tokenHash, String userId, String purpose, Instant createdAt, Instant expiresAt) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into reauth_token (token_hash, user_id, purpose, "
                                + "created_at, expires_at) values (:hash, :user, :purpose, :now, :expires)")
                        .setParameter("hash", tokenHash)
                        .setParameter("user", userId)
                        .setParameter("purpose", purpose)
                        .setParameter("now", createdAt)
                        .setParameter("expires", expiresAt)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** Whether the token of this hash is the user's, for {@code purpose}, and unexpired at {@code now}. */
    public Uni<Boolean> isLive(String tokenHash, String userId, String purpose, Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select count(*) from reauth_token where token_hash = :hash and user_id = :user "
                                        + "and purpose = :purpose and expires_at > :now",
                                Long.class)
                        .setParameter("hash", tokenHash)
                        .setParameter("user", userId)
                        .setParameter("purpose", purpose)
                        .setParameter("now", now)
                        .getSingleResult())
                .map(count -> count > 0);
    }

    /**
     * Inside a transaction: tokens expired before {@code now} and issued before {@code since} (younger ones still
     * count toward the success limit), and failures before {@code since}.
     */
    public Uni<Void> purge(Instant now, Instant since) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "delete from reauth_token where expires_at < :now and created_at < :since")
                        .setParameter("now", now)
                        .setParameter("since", since)
                        .executeUpdate()
                        .flatMap(i -> s.createNativeQuery("delete from reauth_failure where failed_at < :since")
                                .setParameter("since", since)
                                .executeUpdate()))
                .replaceWithVoid();
    }
}
