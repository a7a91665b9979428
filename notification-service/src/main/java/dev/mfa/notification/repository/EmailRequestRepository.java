package dev.mfa.notification.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Native queries on {@code email_request} that Panache cannot express (locks, counts, the queue statements). */
@ApplicationScoped
public class EmailRequestRepository {

    private final SmsRequestRepository locks;
    private final QueueTable<EmailClaim> queue;

    public EmailRequestRepository(SmsRequestRepository locks, Pool pool) {
        this.locks = locks;
        this.queue = new QueueTable<>(
                pool,
                "email_request",
                "request_id, user_id, template, recipient, params, expires_at, attempts",
                List.of("SENT", "FAILED"),
                r -> new EmailClaim(
                        r.getUUID("request_id"),
                        r.getString("user_id"),
                        r.getString("template"),
                        r.getString("recipient"),
                        r.getString("params"),
                        QueueTable.instant(r, "expires_at"),
                        r.getInteger("attempts")));
    }

    /** The queue statements (claim, sweep, depth, purge) on {@code email_request}. */
    public QueueTable<EmailClaim> queue() {
        return queue;
    }

    /** Transaction-scoped advisory lock on a string key (released at commit/rollback). */
    public Uni<Void> lock(String key) {
        return locks.lock(key);
    }

    public Uni<Long> countByRecipientSince(String recipientHash, Instant since) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select count(*) from email_request where recipient_hash = :k and received_at > :since "
                                        + "and counted",
                                Long.class)
                        .setParameter("k", recipientHash)
                        .setParameter("since", since)
                        .getSingleResult());
    }
}
