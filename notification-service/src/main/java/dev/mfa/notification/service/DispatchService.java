package dev.mfa.notification.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.SmsPurpose;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.domain.SmsState;
import dev.mfa.notification.provider.ProviderResult;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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

    /** A claimed request: everything the sender needs, without holding a database session. */
    public record Claimed(UUID requestId, String userId, SmsPurpose purpose, String country, String recipient,
                          String code, Instant expiresAt, Instant requestedAt, int attempts) {
        @Override
        public String toString() {
            return "Claimed[requestId=" + requestId + ", userId=" + userId + ", purpose=" + purpose + ", country="
                    + country + ", recipient=***, code=***, expiresAt=" + expiresAt + ", attempts=" + attempts + "]";
        }
    }

    private static final String CLAIM_SQL = "update sms_request set state = 'SENDING', attempts = attempts + 1, "
            + "lease_until = $2, updated_at = $1 where request_id = (select request_id from sms_request "
            + "where state = 'PENDING' and next_attempt_at <= $1 and expires_at > $1 order by next_attempt_at limit 1 "
            + "for update skip locked) returning request_id, user_id, purpose, country, recipient, code, expires_at, "
            + "requested_at, attempts";

    private final Pool pool;
    private final Outbox outbox;
    private final NotificationMetrics metrics;
    private final NotificationConfig.Dispatch config;
    private final Clock clock;

    public DispatchService(Pool pool, Outbox outbox, NotificationMetrics metrics, NotificationConfig config,
                           Clock clock) {
        this.pool = pool;
        this.outbox = outbox;
        this.metrics = metrics;
        this.config = config.dispatch();
        this.clock = clock;
    }

    /**
     * Marks the next due request SENDING (with a lease) and returns it; null when nothing is due. One autocommit
     * statement on the raw pool (one round trip, no session): it runs between a rate-limiter slot and the provider
     * call, so it must be short and steady. {@code skip locked}: replicas and the sweeper never share a row.
     */
    public Uni<Claimed> claimNext() {
        Instant now = clock.instant();
        return pool.preparedQuery(CLAIM_SQL)
                .execute(Tuple.of(utc(now), utc(now.plus(config.lease()))))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    return new Claimed(r.getUUID("request_id"), r.getString("user_id"),
                            SmsPurpose.valueOf(r.getString("purpose")), r.getString("country"),
                            r.getString("recipient"), r.getString("code"),
                            r.getOffsetDateTime("expires_at").toInstant(),
                            r.getOffsetDateTime("requested_at").toInstant(), r.getInteger("attempts"));
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Records the provider's answer to the call made for {@code claimed}. */
    public Uni<Void> record(Claimed claimed, ProviderResult result) {
        return Panache.withTransaction(() -> locked(claimed.requestId()).flatMap(row -> {
            if (row == null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = clock.instant();
            row.updatedAt = now;
            return switch (result.kind()) {
                case ACCEPTED -> accepted(row, result.messageId(), now);
                case TEMPORARY -> temporary(row, result.reason(), now);
                case PERMANENT -> row.state == SmsState.SENDING ? fail(row, result.reason(), true, now)
                        : Uni.createFrom().voidItem();
            };
        }));
    }

    /** The code expired before its turn came: FAILED without a provider call. */
    public Uni<Void> expireClaimed(Claimed claimed) {
        return Panache.withTransaction(() -> locked(claimed.requestId()).flatMap(row ->
                row == null || row.state != SmsState.SENDING ? Uni.createFrom().voidItem()
                        : fail(row, "expired", false, clock.instant())));
    }

    private Uni<Void> accepted(SmsRequest row, String messageId, Instant now) {
        row.providerMessageId = messageId;
        if (row.state != SmsState.SENDING) {
            // Only when the sweeper already gave up on this call (a stall longer than the lease): keep the id so
            // that receipts still map, emit nothing twice.
            LOG.warnf("sms request %s accepted by the provider after its lease expired (state %s)", row.requestId, row.state);
            return Uni.createFrom().voidItem();
        }
        row.state = SmsState.SENT;
        row.sentAt = now;
        row.leaseUntil = null;
        row.lastError = null;
        row.recipient = null;
        row.code = null;
        metrics.message(row.country, "sent");
        Uni<Void> sent = outbox.publish(Topics.SMS_STATUS,
                new Events.SmsSent(row.requestId, row.userId, messageId, row.country, now)).replaceWithVoid();
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
            LOG.infof("sms request %s: giving up after %d attempts (last: %s), the code expires first",
                    row.requestId, row.attempts, reason);
            return fail(row, "expired", false, now);
        }
        row.state = SmsState.PENDING;
        row.leaseUntil = null;
        row.nextAttemptAt = next;
        metrics.retry(reason);
        LOG.infof("sms request %s: temporary failure %s on attempt %d, retry in %d ms",
                row.requestId, reason, row.attempts, Duration.between(now, next).toMillis());
        return Uni.createFrom().voidItem();
    }

    /** Exponential backoff with equal jitter: half the capped delay fixed, half random. */
    Duration backoff(int attempts) {
        long base = config.backoffBase().toMillis();
        long cap = Math.min(config.backoffMax().toMillis(), base << Math.min(20, Math.max(0, attempts - 1)));
        long half = Math.max(1, cap / 2);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
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
        return outbox.publish(Topics.SMS_STATUS, new Events.SmsFailed(row.requestId, row.userId, reason, permanent, now))
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
                yield outbox.publish(Topics.SMS_STATUS,
                        new Events.SmsDelivered(row.requestId, row.userId, row.providerMessageId, now)).replaceWithVoid();
            }
            case "expired", "failed", "rejected" -> {
                boolean permanent = "rejected".equals(row.receiptStatus)
                        || PERMANENT_RECEIPT_ERRORS.contains(String.valueOf(row.receiptError));
                row.state = SmsState.FAILED;
                row.failureReason = "delivery_" + row.receiptStatus;
                row.failedAt = now;
                row.updatedAt = now;
                metrics.message(row.country, "undelivered");
                yield outbox.publish(Topics.SMS_STATUS, new Events.SmsFailed(row.requestId, row.userId,
                        row.failureReason, permanent, now)).replaceWithVoid();
            }
            default -> Uni.createFrom().voidItem(); // accepted, buffered, unknown: not final
        };
    }

    static Uni<SmsRequest> locked(UUID requestId) {
        return SmsRequest.<SmsRequest>findById(requestId, LockModeType.PESSIMISTIC_WRITE);
    }
}
