package dev.mfa.notification.service;

import dev.mfa.core.time.SqlInstants;
import dev.mfa.notification.domain.QueuedRequest;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.repository.QueuedClaim;
import dev.mfa.notification.repository.QueuedRequestRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The state transitions of a queued request, the same for every channel, each in its own transaction with its outbox
 * event: claim (PENDING → SENDING, committed before the provider call), then the provider's answer (SENT, back to
 * PENDING with a backoff, or FAILED), and the sweeper's expiries. A channel adds its events and metrics.
 *
 * @param <R> the channel's entity
 * @param <C> the channel's claimed request
 */
public abstract class QueueDispatch<R extends QueuedRequest, C extends QueuedClaim> {

    private static final Logger LOG = Logger.getLogger(QueueDispatch.class);

    /** How logs name the channel's requests ("sms", "email") and its provider call ("provider", "SMTP"). */
    private final String label;

    private final String call;
    private final QueuedRequestRepository<R, C> repository;
    private final Duration lease;
    private final Duration backoffBase;
    private final Duration backoffMax;
    protected final Clock clock;

    protected QueueDispatch(
            String label,
            String call,
            QueuedRequestRepository<R, C> repository,
            Duration lease,
            Duration backoffBase,
            Duration backoffMax,
            Clock clock) {
        this.label = label;
        this.call = call;
        this.repository = repository;
        this.lease = lease;
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
        this.clock = clock;
    }

    /** The provider accepted the message (the row is SENT already): the channel's event and metrics. */
    protected abstract Uni<Void> sent(R row, ProviderResult accepted, Instant now);

    /** The row is FAILED already: the channel's event and metrics. */
    protected abstract Uni<Void> failed(R row, String reason, boolean permanent, Instant now);

    /** A temporary failure will be retried. */
    protected abstract void retried(String reason);

    /** An answer for a row no longer SENDING (the sweeper gave up on the call first): emit nothing twice. */
    protected void late(R row, ProviderResult result, Instant now) {
        if (result.kind() == ProviderResult.Kind.ACCEPTED) {
            LOG.warnf("%s request %s accepted after its lease expired (state %s)", label, row.requestId, row.state);
        }
    }

    /** Marks the next due request SENDING (with a lease) and returns it; null when nothing is due. */
    public Uni<C> claimNext() {
        Instant now = clock.instant();
        return repository.claims().claimNext(now, now.plus(lease));
    }

    /** Records the provider's answer to the call made for {@code claimed}. */
    @WithTransaction
    public Uni<Void> record(C claimed, ProviderResult result) {
        return repository.findLocked(claimed.requestId()).flatMap(row -> {
            if (row == null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = clock.instant();
            if (!row.isSending()) {
                late(row, result, now);
                return Uni.createFrom().voidItem();
            }
            row.updatedAt = now;
            return switch (result.kind()) {
                case ACCEPTED -> {
                    row.markSent(now);
                    yield sent(row, result, now);
                }
                case TEMPORARY -> temporary(row, result.reason(), now);
                case PERMANENT -> {
                    LOG.warnf(
                            "%s request %s refused by the %s: %s (status %s)",
                            label, row.requestId, call, result.reason(), result.providerStatus());
                    yield fail(row, result.reason(), true, now);
                }
            };
        });
    }

    /** The request expired before its turn came: FAILED without a provider call. */
    @WithTransaction
    public Uni<Void> expireClaimed(C claimed) {
        return repository
                .findLocked(claimed.requestId())
                .flatMap(row -> row == null || !row.isSending()
                        ? Uni.createFrom().voidItem()
                        : fail(row, "expired", false, clock.instant()));
    }

    private Uni<Void> temporary(R row, String reason, Instant now) {
        Instant next = now.plus(RetryBackoff.after(row.attempts, backoffBase, backoffMax));
        row.lastError = reason;
        if (!next.isBefore(row.expiresAt)) {
            LOG.infof(
                    "%s request %s: giving up after %d attempts (last: %s), it expires first",
                    label, row.requestId, row.attempts, reason);
            return fail(row, "expired", false, now);
        }
        row.retryAt(next);
        retried(reason);
        LOG.infof(
                "%s request %s: temporary failure %s on attempt %d, retry in %d ms",
                label,
                row.requestId,
                reason,
                row.attempts,
                Duration.between(now, next).toMillis());
        return Uni.createFrom().voidItem();
    }

    /** Any state → FAILED with its event; clears the content. */
    Uni<Void> fail(R row, String reason, boolean permanent, Instant now) {
        row.markFailed(reason, now);
        return failed(row, reason, permanent, now);
    }

    /** Sweeper: PENDING requests past their expiry (up to {@code batch}) become FAILED {@code expired}. */
    @WithTransaction
    public Uni<Void> failExpired(int batch) {
        return failEach(repository::lockExpiredPending, batch, row -> fail(row, "expired", false, clock.instant()));
    }

    /**
     * Sweeper: SENDING requests whose lease ran out (the process died during the call) become FAILED
     * {@code outcome_unknown}; never resent, the provider may have accepted them.
     */
    @WithTransaction
    public Uni<Void> failLostInFlight(int batch) {
        return failEach(repository::lockLostInFlight, batch, row -> {
            LOG.warnf(
                    "%s request %s: send outcome unknown (lease expired during the %s call), not resent",
                    label, row.requestId, call);
            return fail(row, "outcome_unknown", false, clock.instant());
        });
    }

    private Uni<Void> failEach(
            BiFunction<Instant, Integer, Uni<List<UUID>>> lockIds, int batch, Function<R, Uni<Void>> action) {
        return lockIds.apply(clock.instant(), batch)
                .flatMap(ids -> ids.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Multi.createFrom()
                                .iterable(ids)
                                .onItem()
                                .transformToUniAndConcatenate(id -> repository
                                        .find(id)
                                        .flatMap(row -> row == null || !row.isOpen()
                                                ? Uni.createFrom().voidItem()
                                                : action.apply(row)))
                                .collect()
                                .last()
                                .replaceWithVoid());
    }

    /** [depth, age in seconds of the oldest] of the PENDING queue. */
    @WithSession
    public Uni<long[]> pendingStats() {
        return repository.pendingStats().map(stats -> new long[] {
            ((Number) stats[0]).longValue(),
            stats[1] == null
                    ? 0
                    : Math.max(
                            0,
                            Duration.between(SqlInstants.of(stats[1]), clock.instant())
                                    .toSeconds())
        });
    }

    /** Deletes finished requests last changed before {@code before}. */
    @WithTransaction
    public Uni<Integer> purgeFinished(Instant before) {
        return repository.purgeFinished(before);
    }

    /** How logs name the channel's requests. */
    public String label() {
        return label;
    }
}
