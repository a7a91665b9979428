package dev.mfa.notification.repository;

import dev.mfa.notification.domain.EmailRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;

/** {@code email_request} rows. */
// Singleton: no client proxy, which would need a no-args constructor up the class hierarchy.
@Singleton
public class EmailRequestRepository extends QueuedRequestRepository<EmailRequest, EmailClaim> {

    public EmailRequestRepository(Pool pool) {
        super(
                EmailRequest.class,
                "email_request",
                "email-request:",
                List.of("SENT", "FAILED"),
                new QueueTable<>(
                        pool,
                        "email_request",
                        // Security notices before campaign mails: a "factor added" never waits behind 100,000
                        // reminders.
                        "priority, next_attempt_at",
                        "request_id, user_id, template, recipient, params, expires_at, attempts",
                        r -> new EmailClaim(
                                r.getUUID("request_id"),
                                r.getString("user_id"),
                                r.getString("template"),
                                r.getString("recipient"),
                                r.getString("params"),
                                QueueTable.instant(r, "expires_at"),
                                r.getInteger("attempts"))));
    }

    public Uni<Long> countByRecipientSince(String recipientHash, Instant since) {
        return countSince("recipient_hash = :k", recipientHash, since);
    }
}
