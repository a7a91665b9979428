package dev.mfa.notification.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.domain.EmailState;
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
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The state transitions of a queued e-mail, each in its own transaction with its outbox event: claim
 * (PENDING → SENDING, committed before the SMTP call), then the answer (SENT, back to PENDING after a backoff, or
 * FAILED).
 */
@ApplicationScoped
public class EmailDispatchService {

    private static final Logger LOG = Logger.getLogger(EmailDispatchService.class);

    /** A claimed request: everything the sender needs, without holding a database session. */
    public record Claimed(UUID requestId, String userId, String template, String recipient, String params,
                          Instant expiresAt, int attempts) {
        @Override
        public String toString() {
            return "Claimed[" + requestId + ", " + template + ", attempt " + attempts + "]";
        }
    }

    private static final String CLAIM_SQL = "update email_request set state = 'SENDING', attempts = attempts + 1, "
            + "lease_until = $2, updated_at = $1 where request_id = (select request_id from email_request "
            + "where state = 'PENDING' and next_attempt_at <= $1 and expires_at > $1 order by next_attempt_at limit 1 "
            + "for update skip locked) "
            + "returning request_id, user_id, template, recipient, params, expires_at, attempts";

    private final Pool pool;
    private final Outbox outbox;
    private final NotificationMetrics metrics;
    private final EmailConfig config;
    private final Clock clock;

    public EmailDispatchService(Pool pool, Outbox outbox, NotificationMetrics metrics, EmailConfig config,
                                Clock clock) {
        this.pool = pool;
        this.outbox = outbox;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    /** Claims the next due request (one autocommit statement; replicas never share a row), or null. */
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
                    return new Claimed(r.getUUID("request_id"), r.getString("user_id"), r.getString("template"),
                            r.getString("recipient"), r.getString("params"),
                            r.getOffsetDateTime("expires_at").toInstant(), r.getInteger("attempts"));
                });
    }

    /** Records the SMTP server's answer to the send made for {@code claimed}. */
    public Uni<Void> record(Claimed claimed, ProviderResult result) {
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
                    LOG.warnf("email request %s refused by the SMTP server (reply %s)", row.requestId,
                            result.providerStatus());
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
            LOG.infof("email request %s: giving up after %d attempts (last: %s), max age reached",
                    row.requestId, row.attempts, reason);
            return fail(row, "expired", false, now);
        }
        row.state = EmailState.PENDING;
        row.leaseUntil = null;
        row.nextAttemptAt = next;
        metrics.emailRetry(reason);
        LOG.infof("email request %s: temporary failure %s on attempt %d, retry in %d ms",
                row.requestId, reason, row.attempts, Duration.between(now, next).toMillis());
        return Uni.createFrom().voidItem();
    }

    /** Exponential backoff with equal jitter: half the capped delay fixed, half random. */
    Duration backoff(int attempts) {
        return backoff(config.backoffBase(), config.backoffMax(), attempts);
    }

    static Duration backoff(Duration base, Duration max, int attempts) {
        long b = Math.max(1, base.toMillis());
        long cap = Math.min(max.toMillis(), b << Math.min(20, Math.max(0, attempts - 1)));
        long half = Math.max(1, cap / 2);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** The request is past its max age before its turn came: FAILED without an SMTP call. */
    public Uni<Void> expireClaimed(Claimed claimed) {
        return Panache.withTransaction(() -> locked(claimed.requestId()).flatMap(row ->
                row == null || row.state != EmailState.SENDING ? Uni.createFrom().voidItem()
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
        return outbox.publish(Topics.EMAIL_STATUS,
                        new Events.EmailFailed(row.requestId, row.userId, row.template, reason, permanent, now))
                .replaceWithVoid();
    }

    static Uni<EmailRequest> locked(UUID requestId) {
        return EmailRequest.<EmailRequest>findById(requestId, LockModeType.PESSIMISTIC_WRITE);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
