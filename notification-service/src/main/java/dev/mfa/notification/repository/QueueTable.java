package dev.mfa.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Function;

/**
 * The claim statement of a dispatch queue, written once for every channel's table ({@code sms_request},
 * {@code email_request}). Unlike the rest of the repositories it runs outside any session, as one autocommit
 * statement on the bare pool: the only statement of that style, see {@link #claimNext}.
 *
 * @param <C> what a claim returns: everything the sender needs, without holding a database session
 */
public final class QueueTable<C> {

    private final Pool pool;
    private final String claimSql;
    private final Function<Row, C> claimed;

    /**
     * @param order which due request goes first ({@code next_attempt_at}, or a priority before it)
     * @param returning the columns a claim returns, read by {@code claimed}
     */
    QueueTable(Pool pool, String table, String order, String returning, Function<Row, C> claimed) {
        this.pool = pool;
        this.claimed = claimed;
        // skip locked: replicas and the sweeper never share a row.
        this.claimSql = "update " + table + " set state = 'SENDING', attempts = attempts + 1, lease_until = $2, "
                + "updated_at = $1 where request_id = (select request_id from " + table + " where state = 'PENDING' "
                + "and next_attempt_at <= $1 and expires_at > $1 order by " + order + " limit 1 "
                + "for update skip locked) returning " + returning;
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

    static Instant instant(Row row, String column) {
        return row.getOffsetDateTime(column).toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
