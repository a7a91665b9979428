package dev.mfa.notification.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.domain.SmsState;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.repository.SmsClaim;
import dev.mfa.notification.repository.SmsRequestRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The state transitions of a queued request, each in its own transaction with its outbox event: claim
 * (PENDING → SENDING, committed before the provider call), then the provider's answer (SENT, back to PENDING with a
 * backoff, or FAILED), and delivery receipts (SENT → DELIVERED or FAILED).
 */
@ApplicationScoped
public class DispatchService {

    private static final Logger LOG = Logger.getLogger(DispatchService.class);
    /** Receipt error codes that mean the number will never receive (Vonage DLR error codes). */
    private static final Set<String> PERMANENT_RECEIPT_ERRORS =
            Set.of("3", "4", "6", "9", "10", "11", "13", "14", "50", "51", "52", "53", "54");

    private final SmsRequestRepository repository;
    private final Outbox outbox;
    private final NotificationMetrics metrics;
    private final NotificationConfig.Dispatch config;
    private final Clock clock;

    public DispatchService(
            SmsRequestRepository repository,
            Outbox outbox,
            NotificationMetrics metrics,
            NotificationConfig config,
            Clock clock) {
        this.repository = repository;
        this.outbox = outbox;
        this.metrics = metrics;
        this.config = config.dispatch();
        this.clock = clock;
    }

    /** Marks the next due request SENDING (with a lease) and returns it; null when nothing is due. */
    public Uni<SmsClaim> claimNext() {
        Instant now = clock.instant();
        return repository.queue().claimNext(now, now.plus(config.lease()));
    }

    /** Records the provider's answer to the call made for {@code claimed}. */
    public Uni<Void> record(SmsClaim claimed, ProviderResult result) {
        return Panache.withTransaction(() -> locked(claimed.requestId()).flatMap(row -> {
            if (row == null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = clock.instant();
            row.updatedAt = now;
            return switch (result.kind()) {
                case ACCEPTED -> accepted(row, result.messageId(), now);
                case TEMPORARY -> temporary(row, result.reason(), now);
                case PERMANENT ->
                    row.state == SmsState.SENDING
                            ? fail(row, result.reason(), true, now)
                            : Uni.createFrom().voidItem();
            };
        }));
    }

    /** The code expired before its turn came: FAILED without a provider call. */
    public Uni<Void> expireClaimed(SmsClaim claimed) {
        return Panache.withTransaction(() -> locked(claimed.requestId())
                .flatMap(row -> row == null || row.state != SmsState.SENDING
                        ? Uni.createFrom().voidItem()
                        : fail(row, "expired", false, clock.instant())));
    }

    private Uni<Void> accepted(SmsRequest row, String messageId, Instant now) {
        row.providerMessageId = messageId;
        if (row.state != SmsState.SENDING) {
            // Only when the sweeper already gave up on this call (a stall longer than the lease): keep the id so
            // that receipts still map, emit nothing twice.
            LOG.warnf(
                    "sms request %s accepted by the provider after its lease expired (state %s)",
                    row.requestId, row.state);
            return Uni.createFrom().voidItem();
        }
        row.state = SmsState.SENT;
        row.sentAt = now;
        row.leaseUntil = null;
        row.lastError = null;
        row.recipient = null;
        row.code = null;
        metrics.message(row.country, "sent");
        Uni<Void> sent = outbox.publish(
                        Topics.SMS_STATUS, new Events.SmsSent(row.requestId, row.userId, messageId, row.country, now))
                .replaceWithVoid();
        // A receipt that overtook our own commit was parked on the row: apply it now, after mfa.sms.sent.
        return sent.flatMap(ignored -> applyReceipt(row, now));
    }

    private Uni<Void> temporary(SmsRequest row, String reason, Instant now) {
        if (row.state != SmsState.SENDING) {
            return Uni.createFrom().voidItem();
        }
        Instant next = now.plus(backoff(row.attempts));
        row.lastError = reason;
        if (!next.isBefore(row.expiresAt)) {
            LOG.infof(
                    "sms request %s: giving up after %d attempts (last: %s), the code expires first",
                    row.requestId, row.attempts, reason);
            return fail(row, "expired", false, now);
        }
        row.state = SmsState.PENDING;
        row.leaseUntil = null;
        row.nextAttemptAt = next;
        metrics.retry(reason);
        LOG.infof(
                "sms request %s: temporary failure %s on attempt %d, retry in %d ms",
                row.requestId, reason, row.attempts, Duration.between(now, next).toMillis());
        return Uni.createFrom().voidItem();
    }

    Duration backoff(int attempts) {
        return RetryBackoff.after(attempts, config.backoffBase(), config.backoffMax());
    }

    /** Any state → FAILED with its event; clears the ciphertexts. */
    Uni<Void> fail(SmsRequest row, String reason, boolean permanent, Instant now) {
        row.state = SmsState.FAILED;
        row.failureReason = reason;
        row.failedAt = now;
        row.updatedAt = now;
        row.leaseUntil = null;
        row.recipient = null;
        row.code = null;
        metrics.message(row.country, "expired".equals(reason) || "outcome_unknown".equals(reason) ? reason : "failed");
        return outbox.publish(
                        Topics.SMS_STATUS, new Events.SmsFailed(row.requestId, row.userId, reason, permanent, now))
                .replaceWithVoid();
    }

    /** Applies the receipt parked on a SENT row, if it is final. */
    Uni<Void> applyReceipt(SmsRequest row, Instant now) {
        if (row.state != SmsState.SENT || row.receiptStatus == null) {
            return Uni.createFrom().voidItem();
        }
        return switch (row.receiptStatus) {
            case "delivered" -> {
                row.state = SmsState.DELIVERED;
                row.deliveredAt = now;
                row.updatedAt = now;
                metrics.message(row.country, "delivered");
                yield outbox.publish(
                                Topics.SMS_STATUS,
                                new Events.SmsDelivered(row.requestId, row.userId, row.providerMessageId, now))
                        .replaceWithVoid();
            }
            case "expired", "failed", "rejected" -> {
                boolean permanent = "rejected".equals(row.receiptStatus)
                        || PERMANENT_RECEIPT_ERRORS.contains(String.valueOf(row.receiptError));
                row.state = SmsState.FAILED;
                row.failureReason = "delivery_" + row.receiptStatus;
                row.failedAt = now;
                row.updatedAt = now;
                metrics.message(row.country, "undelivered");
                yield outbox.publish(
                                Topics.SMS_STATUS,
                                new Events.SmsFailed(row.requestId, row.userId, row.failureReason, permanent, now))
                        .replaceWithVoid();
            }
            default -> Uni.createFrom().voidItem(); // accepted, buffered, unknown: not final
        };
    }

    static Uni<SmsRequest> locked(UUID requestId) {
        return SmsRequest.<SmsRequest>findById(requestId, LockModeType.PESSIMISTIC_WRITE);
    }
}
