package dev.mfa.notification.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Native queries on {@code sms_request} that Panache cannot express (locks, skip-locked claims, counts). */
@ApplicationScoped
public class SmsRequestRepository {

    /** Transaction-scoped advisory lock on a string key (released at commit/rollback). */
    public Uni<Void> lock(String key) {
        return Panache.getSession().flatMap(s -> s
                .createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtextextended(:key, 0))) l", Integer.class)
                .setParameter("key", key)
                .getSingleResult()).replaceWithVoid();
    }

    /** Counted requests of one purpose to one destination (sign-in codes: whoever asked). */
    public Uni<Long> countByDestinationSince(String destinationHash, String purpose, Instant since) {
        return count("select count(*) from sms_request where destination_hash = :k and purpose = :p "
                + "and received_at > :since and counted", destinationHash, purpose, null, since);
    }

    /** Counted requests of one purpose from one user to one destination (enrollment codes). */
    public Uni<Long> countByUserAndDestinationSince(String destinationHash, String purpose, String userId,
                                                    Instant since) {
        return count("select count(*) from sms_request where destination_hash = :k and purpose = :p "
                + "and user_id = :u and received_at > :since and counted", destinationHash, purpose, userId, since);
    }

    /** Counted requests of one purpose to one country. */
    public Uni<Long> countByCountrySince(String country, String purpose, Instant since) {
        return count("select count(*) from sms_request where country = :k and purpose = :p "
                + "and received_at > :since and counted", country, purpose, null, since);
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

    /** Locks up to {@code limit} PENDING requests whose code expired. */
    public Uni<List<UUID>> lockExpiredPending(Instant now, int limit) {
        return ids("select request_id from sms_request where state = 'PENDING' and expires_at <= :now "
                + "limit :limit for update skip locked", now, limit);
    }

    /** Locks up to {@code limit} SENDING requests whose lease ran out (the sender died mid-call). */
    public Uni<List<UUID>> lockLostInFlight(Instant now, int limit) {
        return ids("select request_id from sms_request where state = 'SENDING' and lease_until < :now "
                + "limit :limit for update skip locked", now, limit);
    }

    private Uni<List<UUID>> ids(String sql, Instant now, int limit) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(sql, UUID.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }

    /** [count, oldest requested_at or null] of the PENDING queue. */
    public Uni<Object[]> pendingStats() {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "select count(*), min(requested_at) from sms_request where state = 'PENDING'", Object[].class)
                .getSingleResult());
    }

    /** Deletes finished requests last changed before {@code before}. */
    public Uni<Integer> purgeFinished(Instant before) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "delete from sms_request where updated_at < :before and state in ('SENT', 'DELIVERED', 'FAILED')")
                .setParameter("before", before)
                .executeUpdate());
    }
}
