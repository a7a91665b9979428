package dev.mfa.notification.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The statements of a dispatch queue, written once for every channel's table ({@code sms_request},
 * {@code email_request}: the same queue columns {@code state}, {@code attempts}, {@code next_attempt_at},
 * {@code lease_until}, {@code expires_at}, {@code updated_at}): claim, sweep, depth and purge.
 *
 * @param <C> what a claim returns: everything the sender needs, without holding a database session
 */
public final class QueueTable<C> {

    private final Pool pool;
    private final String table;
    private final String claimSql;
    private final String purgeSql;
    private final Function<Row, C> claimed;

    /**
     * @param returning      the columns a claim returns, read by {@code claimed}
     * @param finishedStates the states after which a row is only kept for the retention
     */
    QueueTable(Pool pool, String table, String returning, List<String> finishedStates, Function<Row, C> claimed) {
        this.pool = pool;
        this.table = table;
        this.claimed = claimed;
        // skip locked: replicas and the sweeper never share a row.
        this.claimSql = "update " + table + " set state = 'SENDING', attempts = attempts + 1, lease_until = $2, "
                + "updated_at = $1 where request_id = (select request_id from " + table + " where state = 'PENDING' "
                + "and next_attempt_at <= $1 and expires_at > $1 order by next_attempt_at limit 1 "
                + "for update skip locked) returning " + returning;
        this.purgeSql = "delete from " + table + " where updated_at < :before and state in ("
                + String.join(
                        ", ", finishedStates.stream().map(s -> "'" + s + "'").toList()) + ")";
    }

    /**
     * Marks the next due request SENDING (with a lease until {@code leaseUntil}) and returns it; null when nothing is
     * due. One autocommit statement on the raw pool (one round trip, no session): it runs between a rate-limiter slot
     * and the provider call, so it must be short and steady.
     */
    public Uni<C> claimNext(Instant now, Instant leaseUntil) {
        return pool.preparedQuery(claimSql)
                .execute(Tuple.of(utc(now), utc(leaseUntil)))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? claimed.apply(it.next()) : null;
                });
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

    static Instant instant(Row row, String column) {
        return row.getOffsetDateTime(column).toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
