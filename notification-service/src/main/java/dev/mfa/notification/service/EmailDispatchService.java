package dev.mfa.notification.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.repository.EmailClaim;
import dev.mfa.notification.repository.EmailRequestRepository;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;

/** The e-mail queue's transitions ({@link QueueDispatch}) with its events on {@code mfa.email-status}. */
// Singleton: no client proxy, which would need a no-args constructor up the class hierarchy.
@Singleton
public class EmailDispatchService extends QueueDispatch<EmailRequest, EmailClaim> {

    private final Outbox outbox;
    private final NotificationMetrics metrics;

    public EmailDispatchService(
            EmailRequestRepository repository,
            Outbox outbox,
            NotificationMetrics metrics,
            EmailConfig config,
            Clock clock) {
        super("email", "SMTP server", repository, config.lease(), config.backoffBase(), config.backoffMax(), clock);
        this.outbox = outbox;
        this.metrics = metrics;
    }

    @Override
    protected Uni<Void> sent(EmailRequest row, ProviderResult accepted, Instant now) {
        metrics.email(row.template, "sent");
        return outbox.publish(Topics.EMAIL_STATUS, new Events.EmailSent(row.requestId, row.userId, row.template, now))
                .replaceWithVoid();
    }

    @Override
    protected Uni<Void> failed(EmailRequest row, String reason, boolean permanent, Instant now) {
        metrics.email(row.template, "expired".equals(reason) || "outcome_unknown".equals(reason) ? reason : "failed");
        return outbox.publish(
                        Topics.EMAIL_STATUS,
                        new Events.EmailFailed(row.requestId, row.userId, row.template, reason, permanent, now))
                .replaceWithVoid();
    }

    @Override
    protected void retried(String reason) {
        metrics.emailRetry(reason);
    }
}
