package dev.mfa.notification.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.domain.EmailState;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.repository.EmailClaim;
import dev.mfa.notification.repository.EmailRequestRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The state transitions of a queued e-mail, each in its own transaction with its outbox event: claim
 * (PENDING → SENDING, committed before the SMTP call), then the answer (SENT, back to PENDING after a backoff, or
 * FAILED).
 */
@ApplicationScoped
public class EmailDispatchService {

    private static final Logger LOG = Logger.getLogger(EmailDispatchService.class);

    private final EmailRequestRepository repository;
    private final Outbox outbox;
    private final NotificationMetrics metrics;
    private final EmailConfig config;
    private final Clock clock;

    public EmailDispatchService(
            EmailRequestRepository repository,
            Outbox outbox,
            NotificationMetrics metrics,
            EmailConfig config,
            Clock clock) {
        this.repository = repository;
        this.outbox = outbox;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    /** Claims the next due request (committed SENDING with a lease; replicas never share a row), or null. */
    public Uni<EmailClaim> claimNext() {
        Instant now = clock.instant();
        return repository.queue().claimNext(now, now.plus(config.lease()));
    }

    /** Records the SMTP server's answer to the send made for {@code claimed}. */
    public Uni<Void> record(EmailClaim claimed, ProviderResult result) {
        return Panache.withTransaction(() -> locked(claimed.requestId()).flatMap(row -> {
            if (row == null || row.state != EmailState.SENDING) {
                if (row != null && result.kind() == ProviderResult.Kind.ACCEPTED) {
                    // Only when the sweeper already gave up on this send (a stall longer than the lease).
                    LOG.warnf("email request %s accepted after its lease expired (state %s)", row.requestId, row.state);
                }
                return Uni.createFrom().voidItem();
            }
            Instant now = clock.instant();
            row.updatedAt = now;
            return switch (result.kind()) {
                case ACCEPTED -> sent(row, now);
                case TEMPORARY -> temporary(row, result.reason(), now);
                case PERMANENT -> {
                    LOG.warnf(
                            "email request %s refused by the SMTP server (reply %s)",
                            row.requestId, result.providerStatus());
                    yield fail(row, result.reason(), true, now);
                }
            };
        }));
    }

    private Uni<Void> sent(EmailRequest row, Instant now) {
        row.state = EmailState.SENT;
        row.sentAt = now;
        row.leaseUntil = null;
        row.lastError = null;
        row.recipient = null;
        row.params = "{}";
        metrics.email(row.template, "sent");
        return outbox.publish(Topics.EMAIL_STATUS, new Events.EmailSent(row.requestId, row.userId, row.template, now))
                .replaceWithVoid();
    }

    private Uni<Void> temporary(EmailRequest row, String reason, Instant now) {
        Instant next = now.plus(backoff(row.attempts));
        row.lastError = reason;
        if (!next.isBefore(row.expiresAt)) {
            LOG.infof(
                    "email request %s: giving up after %d attempts (last: %s), max age reached",
                    row.requestId, row.attempts, reason);
            return fail(row, "expired", false, now);
        }
        row.state = EmailState.PENDING;
        row.leaseUntil = null;
        row.nextAttemptAt = next;
        metrics.emailRetry(reason);
        LOG.infof(
                "email request %s: temporary failure %s on attempt %d, retry in %d ms",
                row.requestId, reason, row.attempts, Duration.between(now, next).toMillis());
        return Uni.createFrom().voidItem();
    }

    Duration backoff(int attempts) {
        return RetryBackoff.after(attempts, config.backoffBase(), config.backoffMax());
    }

    /** The request is past its max age before its turn came: FAILED without an SMTP call. */
    public Uni<Void> expireClaimed(EmailClaim claimed) {
        return Panache.withTransaction(() -> locked(claimed.requestId())
                .flatMap(row -> row == null || row.state != EmailState.SENDING
                        ? Uni.createFrom().voidItem()
                        : fail(row, "expired", false, clock.instant())));
    }

    /** Any unfinished state → FAILED with its event; clears the ciphertext and params. */
    Uni<Void> fail(EmailRequest row, String reason, boolean permanent, Instant now) {
        row.state = EmailState.FAILED;
        row.failureReason = reason;
        row.failedAt = now;
        row.updatedAt = now;
        row.leaseUntil = null;
        row.recipient = null;
        row.params = "{}";
        metrics.email(row.template, "expired".equals(reason) || "outcome_unknown".equals(reason) ? reason : "failed");
        return outbox.publish(
                        Topics.EMAIL_STATUS,
                        new Events.EmailFailed(row.requestId, row.userId, row.template, reason, permanent, now))
                .replaceWithVoid();
    }

    static Uni<EmailRequest> locked(UUID requestId) {
        return EmailRequest.<EmailRequest>findById(requestId, LockModeType.PESSIMISTIC_WRITE);
    }
}
