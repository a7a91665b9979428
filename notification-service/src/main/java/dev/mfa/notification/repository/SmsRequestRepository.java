package dev.mfa.notification.repository;

import dev.mfa.notification.domain.SmsPurpose;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Native queries on {@code sms_request} that Panache cannot express (locks, counts, the queue statements). */
@ApplicationScoped
public class SmsRequestRepository {

    private final QueueTable<SmsClaim> queue;

    public SmsRequestRepository(Pool pool) {
        this.queue = new QueueTable<>(
                pool,
                "sms_request",
                "request_id, user_id, purpose, country, recipient, code, expires_at, requested_at, attempts",
                List.of("SENT", "DELIVERED", "FAILED"),
                r -> new SmsClaim(
                        r.getUUID("request_id"),
                        r.getString("user_id"),
                        SmsPurpose.valueOf(r.getString("purpose")),
                        r.getString("country"),
                        r.getString("recipient"),
                        r.getString("code"),
                        QueueTable.instant(r, "expires_at"),
                        QueueTable.instant(r, "requested_at"),
                        r.getInteger("attempts")));
    }

    /** The queue statements (claim, sweep, depth, purge) on {@code sms_request}. */
    public QueueTable<SmsClaim> queue() {
        return queue;
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

    /** Counted requests of one purpose to one destination (sign-in codes: whoever asked). */
    public Uni<Long> countByDestinationSince(String destinationHash, String purpose, Instant since) {
        return count(
                "select count(*) from sms_request where destination_hash = :k and purpose = :p "
                        + "and received_at > :since and counted",
                destinationHash,
                purpose,
                null,
                since);
    }

    /** Counted requests of one purpose from one user to one destination (enrollment codes). */
    public Uni<Long> countByUserAndDestinationSince(
            String destinationHash, String purpose, String userId, Instant since) {
        return count(
                "select count(*) from sms_request where destination_hash = :k and purpose = :p "
                        + "and user_id = :u and received_at > :since and counted",
                destinationHash,
                purpose,
                userId,
                since);
    }

    /** Counted requests of one purpose to one country. */
    public Uni<Long> countByCountrySince(String country, String purpose, Instant since) {
        return count(
                "select count(*) from sms_request where country = :k and purpose = :p "
                        + "and received_at > :since and counted",
                country,
                purpose,
                null,
                since);
    }

    private Uni<Long> count(String sql, String key, String purpose, String userId, Instant since) {
        return Panache.getSession().flatMap(s -> {
            var query = s.createNativeQuery(sql, Long.class)
                    .setParameter("k", key)
                    .setParameter("p", purpose)
                    .setParameter("since", since);
            if (userId != null) {
                query.setParameter("u", userId);
            }
            return query.getSingleResult();
        });
    }
}
