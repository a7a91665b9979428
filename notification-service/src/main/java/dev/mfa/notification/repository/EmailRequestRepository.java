package dev.mfa.notification.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Native queries on {@code email_request} that Panache cannot express (locks, counts, skip-locked batches). */
@ApplicationScoped
public class EmailRequestRepository {

    private final SmsRequestRepository locks;

    public EmailRequestRepository(SmsRequestRepository locks) {
        this.locks = locks;
    }

    /** Transaction-scoped advisory lock on a string key (released at commit/rollback). */
    public Uni<Void> lock(String key) {
        return locks.lock(key);
    }

    public Uni<Long> countByRecipientSince(String recipientHash, Instant since) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "select count(*) from email_request where recipient_hash = :k and received_at > :since "
                                + "and counted", Long.class)
                .setParameter("k", recipientHash)
                .setParameter("since", since)
                .getSingleResult());
    }

    /** Locks up to {@code limit} PENDING requests past their max age. */
    public Uni<List<UUID>> lockExpiredPending(Instant now, int limit) {
        return ids("select request_id from email_request where state = 'PENDING' and expires_at <= :now "
                + "limit :limit for update skip locked", now, limit);
    }

    /** Locks up to {@code limit} SENDING requests whose lease ran out (the sender died mid-call). */
    public Uni<List<UUID>> lockLostInFlight(Instant now, int limit) {
        return ids("select request_id from email_request where state = 'SENDING' and lease_until < :now "
                + "limit :limit for update skip locked", now, limit);
    }

    private Uni<List<UUID>> ids(String sql, Instant now, int limit) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(sql, UUID.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }

    /** Deletes finished requests last changed before {@code before}. */
    public Uni<Integer> purgeFinished(Instant before) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "delete from email_request where updated_at < :before and state in ('SENT', 'FAILED')")
                .setParameter("before", before)
                .executeUpdate());
    }
}
