package dev.mfa.notification.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.RequestState;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.repository.SmsClaim;
import dev.mfa.notification.repository.SmsRequestRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The SMS queue's transitions ({@link QueueDispatch}) with its events on {@code mfa.sms-status}, and delivery
 * receipts (SENT → DELIVERED or FAILED).
 */
// Singleton: no client proxy, which would need a no-args constructor up the class hierarchy.
@Singleton
public class SmsDispatchService extends QueueDispatch<SmsRequest, SmsClaim> {

    private static final Logger LOG = Logger.getLogger(SmsDispatchService.class);
    /** Receipt error codes that mean the number will never receive (Vonage DLR error codes). */
    private static final Set<String> PERMANENT_RECEIPT_ERRORS =
            Set.of("3", "4", "6", "9", "10", "11", "13", "14", "50", "51", "52", "53", "54");

    /** A receipt, checked and bounded: {@code requestId} or {@code messageId} is set. */
    public record Receipt(UUID requestId, String messageId, String status, String errCode) {}

    private final SmsRequestRepository repository;
    private final Outbox outbox;
    private final NotificationMetrics metrics;

    public SmsDispatchService(
            SmsRequestRepository repository,
            Outbox outbox,
            NotificationMetrics metrics,
            NotificationConfig config,
            Clock clock) {
        super(
                "sms",
                "provider",
                repository,
                config.dispatch().lease(),
                config.dispatch().backoffBase(),
                config.dispatch().backoffMax(),
                clock);
        this.repository = repository;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    @Override
    protected void late(SmsRequest row, ProviderResult result, Instant now) {
        super.late(row, result, now);
        row.updatedAt = now;
        if (result.kind() == ProviderResult.Kind.ACCEPTED) {
            // Keep the id so that receipts still map.
            row.providerMessageId = result.messageId();
        }
    }

    @Override
    protected Uni<Void> sent(SmsRequest row, ProviderResult accepted, Instant now) {
        row.providerMessageId = accepted.messageId();
        metrics.message(row.country, "sent");
        Uni<Void> sent = outbox.publish(
                        Topics.SMS_STATUS,
                        new Events.SmsSent(row.requestId, row.userId, accepted.messageId(), row.country, now))
                .replaceWithVoid();
        // A receipt that overtook our own commit was parked on the row: apply it now, after mfa.sms.sent.
        return sent.flatMap(ignored -> applyReceipt(row, now));
    }

    @Override
    protected Uni<Void> failed(SmsRequest row, String reason, boolean permanent, Instant now) {
        metrics.message(row.country, "expired".equals(reason) || "outcome_unknown".equals(reason) ? reason : "failed");
        return outbox.publish(
                        Topics.SMS_STATUS, new Events.SmsFailed(row.requestId, row.userId, reason, permanent, now))
                .replaceWithVoid();
    }

    @Override
    protected void retried(String reason) {
        metrics.retry(reason);
    }

    /**
     * Parks a receipt on its request and applies it when the request is SENT. A receipt for an unknown message, a
     * duplicate or late one, or an intermediate one after the final one changes nothing.
     */
    @WithTransaction
    public Uni<Void> receipt(Receipt receipt) {
        return find(receipt).flatMap(row -> {
            if (row == null) {
                LOG.debugf("receipt for an unknown message ignored (status %s)", receipt.status());
                return Uni.createFrom().voidItem();
            }
            if (row.state == RequestState.DELIVERED || row.state == RequestState.FAILED) {
                return Uni.createFrom().voidItem(); // duplicate or late receipt: the outcome is already published
            }
            if (isFinal(row.receiptStatus) && !isFinal(receipt.status())) {
                return Uni.createFrom().voidItem(); // an intermediate receipt arriving after the final one
            }
            Instant now = clock.instant();
            row.receiptStatus = receipt.status();
            row.receiptError = receipt.errCode();
            row.receiptAt = now;
            row.updatedAt = now;
            if (row.providerMessageId == null) {
                row.providerMessageId = receipt.messageId();
            }
            // SENDING: our own commit of the send has not happened yet; it applies the parked receipt.
            return row.state == RequestState.SENT
                    ? applyReceipt(row, now)
                    : Uni.createFrom().voidItem();
        });
    }

    private Uni<SmsRequest> find(Receipt receipt) {
        if (receipt.requestId() == null) {
            return repository.findLockedByMessageId(receipt.messageId());
        }
        return repository
                .findLocked(receipt.requestId())
                .flatMap(row -> row != null || receipt.messageId() == null
                        ? Uni.createFrom().item(row)
                        : repository.findLockedByMessageId(receipt.messageId()));
    }

    /** Applies the receipt parked on a SENT row, if it is final. */
    private Uni<Void> applyReceipt(SmsRequest row, Instant now) {
        if (row.state != RequestState.SENT || row.receiptStatus == null) {
            return Uni.createFrom().voidItem();
        }
        return switch (row.receiptStatus) {
            case "delivered" -> {
                row.markDelivered(now);
                metrics.message(row.country, "delivered");
                yield outbox.publish(
                                Topics.SMS_STATUS,
                                new Events.SmsDelivered(row.requestId, row.userId, row.providerMessageId, now))
                        .replaceWithVoid();
            }
            case "expired", "failed", "rejected" -> {
                boolean permanent = "rejected".equals(row.receiptStatus)
                        || PERMANENT_RECEIPT_ERRORS.contains(String.valueOf(row.receiptError));
                row.markFailed("delivery_" + row.receiptStatus, now);
                metrics.message(row.country, "undelivered");
                yield outbox.publish(
                                Topics.SMS_STATUS,
                                new Events.SmsFailed(row.requestId, row.userId, row.failureReason, permanent, now))
                        .replaceWithVoid();
            }
            default -> Uni.createFrom().voidItem(); // accepted, buffered, unknown: not final
        };
    }

    static boolean isFinal(String status) {
        return "delivered".equals(status)
                || "expired".equals(status)
                || "failed".equals(status)
                || "rejected".equals(status);
    }
}
