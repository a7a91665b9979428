package dev.mfa.notification.repository;

import dev.mfa.notification.domain.QueuedRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The request rows of one channel's queue table. Every method joins the caller's session and transaction (the
 * services demarcate them with {@code @WithTransaction}/{@code @WithSession}); the claim, the one statement that runs
 * outside any session, is {@link #claims()}.
 *
 * @param <R> the channel's entity
 * @param <C> what a claim returns
 */
public abstract class QueuedRequestRepository<R extends QueuedRequest, C extends QueuedClaim> {

    private final Class<R> type;
    private final String table;
    private final String lockPrefix;
    private final String purgeSql;
    private final QueueTable<C> claims;

    /**
     * @param lockPrefix     the advisory-lock key prefix of a request id (e.g. {@code sms-request:})
     * @param finishedStates the states after which a row is only kept for the retention
     */
    protected QueuedRequestRepository(
            Class<R> type, String table, String lockPrefix, List<String> finishedStates, QueueTable<C> claims) {
        this.type = type;
        this.table = table;
        this.lockPrefix = lockPrefix;
        this.claims = claims;
        this.purgeSql = "delete from " + table + " where updated_at < :before and state in ("
                + finishedStates.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", ")) + ")";
    }

    /** The claim statement (autocommit, no session). */
    public QueueTable<C> claims() {
        return claims;
    }

    public Uni<R> find(UUID requestId) {
        return Panache.getSession().flatMap(s -> s.find(type, requestId));
    }

    /** The row, locked until the transaction ends; null when there is none. */
    public Uni<R> findLocked(UUID requestId) {
        return Panache.getSession().flatMap(s -> s.find(type, requestId, LockModeType.PESSIMISTIC_WRITE));
    }

    public Uni<Void> persist(R row) {
        return Panache.getSession().flatMap(s -> s.persist(row));
    }

    /**
     * Takes the request id's advisory lock until the transaction ends, then tells whether the request is already
     * recorded: with the lock, two deliveries of one request never both see it missing.
     */
    public Uni<Boolean> lockRecorded(UUID requestId) {
        return lock(lockPrefix + requestId).flatMap(ignored -> find(requestId)).map(row -> row != null);
    }

    /** Transaction-scoped advisory lock on a string key (released at commit/rollback). */
    public Uni<Void> lock(String key) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select 1 from (select pg_advisory_xact_lock(hashtextextended(:key, 0))) l",
                                Integer.class)
                        .setParameter("key", key)
                        .getSingleResult())
                .replaceWithVoid();
    }

    /** Locks up to {@code limit} PENDING requests past their expiry. */
    public Uni<List<UUID>> lockExpiredPending(Instant now, int limit) {
        return ids(
                "select request_id from " + table + " where state = 'PENDING' and expires_at <= :now "
                        + "limit :limit for update skip locked",
                now,
                limit);
    }

    /** Locks up to {@code limit} SENDING requests whose lease ran out (the sender died mid-call). */
    public Uni<List<UUID>> lockLostInFlight(Instant now, int limit) {
        return ids(
                "select request_id from " + table + " where state = 'SENDING' and lease_until < :now "
                        + "limit :limit for update skip locked",
                now,
                limit);
    }

    private Uni<List<UUID>> ids(String sql, Instant now, int limit) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(sql, UUID.class)
                        .setParameter("now", now)
                        .setParameter("limit", limit)
                        .getResultList());
    }

    /** [count, oldest requested_at or null] of the PENDING queue. */
    public Uni<Object[]> pendingStats() {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select count(*), min(requested_at) from " + table + " where state = 'PENDING'",
                                Object[].class)
                        .getSingleResult());
    }

    /** Deletes finished requests last changed before {@code before}. */
    public Uni<Integer> purgeFinished(Instant before) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(purgeSql)
                        .setParameter("before", before)
                        .executeUpdate());
    }

    /** Counted requests matching {@code where} (named parameters {@code :k}, {@code :since}, and the extras). */
    protected Uni<Long> countSince(String where, String key, Instant since, String... extras) {
        return Panache.getSession().flatMap(s -> {
            var query = s.createNativeQuery(
                            "select count(*) from " + table + " where " + where + " and received_at > :since "
                                    + "and counted",
                            Long.class)
                    .setParameter("k", key)
                    .setParameter("since", since);
            for (int i = 0; i + 1 < extras.length; i += 2) {
                query.setParameter(extras[i], extras[i + 1]);
            }
            return query.getSingleResult();
        });
    }
}
