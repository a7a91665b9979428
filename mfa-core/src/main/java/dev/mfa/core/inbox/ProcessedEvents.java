package dev.mfa.core.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The idempotent consumer: an event's id is recorded in the same transaction as its effect, so a record
 * delivered twice (redelivery, rebalance, replayed outbox batch) has no second effect.
 */
@ApplicationScoped
public class ProcessedEvents {

    private static final Logger LOG = Logger.getLogger(ProcessedEvents.class);

    /**
     * Longer than the longest retention of any consumed topic (30 days, deploy/k8s/base/kafka/topics.yaml): a record
     * that can still be redelivered is always recognised, so a replay cannot undo a newer state.
     */
    public static final String DEFAULT_RETENTION = "P45D";

    private static final Duration RETRY_INITIAL_BACKOFF = Duration.ofMillis(200);
    private static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(10);

    private final Clock clock;
    private final Duration retention;
    private final Duration transientRetry;
    private final MeterRegistry registry;

    public ProcessedEvents(
            Clock clock,
            MeterRegistry registry,
            @ConfigProperty(name = "mfa.inbox.retention", defaultValue = DEFAULT_RETENTION) Duration retention,
            @ConfigProperty(name = "mfa.inbox.transient-retry", defaultValue = "PT2M") Duration transientRetry) {
        this.clock = clock;
        this.registry = registry;
        this.retention = retention;
        this.transientRetry = transientRetry;
    }

    /**
     * Runs {@code work} in a new transaction unless {@code consumer} already processed {@code eventId};
     * completes with whether the work ran. A transient failure (database or broker briefly unreachable) rolls
     * back and is retried with backoff for up to {@code mfa.inbox.transient-retry} before the record goes to the
     * dead-letter topic, so an outage of a minute loses nothing; a malformed event goes there at once.
     */
    public Uni<Boolean> once(String consumer, UUID eventId, Supplier<Uni<?>> work) {
        return attempt(consumer, eventId, work)
                .onFailure(TransientFailures::isTransient)
                .invoke(e -> LOG.warnf(
                        "event %s for %s failed transiently (%s), retrying",
                        eventId, consumer, e.getClass().getSimpleName()))
                .onFailure(TransientFailures::isTransient)
                .retry()
                .withBackOff(RETRY_INITIAL_BACKOFF, RETRY_MAX_BACKOFF)
                .withJitter(0.2)
                .expireIn(transientRetry.toMillis());
    }

    private Uni<Boolean> attempt(String consumer, UUID eventId, Supplier<Uni<?>> work) {
        return inTransaction(() -> markProcessed(consumer, eventId).flatMap(first -> {
            if (!first) {
                registry.counter("mfa.events.duplicates", "consumer", consumer).increment();
                LOG.debugf("event %s already processed by %s: skipped", eventId, consumer);
                return Uni.createFrom().item(false);
            }
            return work.get().replaceWith(true);
        }));
    }

    /** One transaction around the id and its effect; a seam so that consumers are unit-tested without a database. */
    protected <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work);
    }

    /** Inside the caller's transaction: true when this is the first time, false for a duplicate. */
    public Uni<Boolean> markProcessed(String consumer, UUID eventId) {
        // A concurrent duplicate blocks on the primary key until the first commits, then inserts nothing.
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "insert into processed_event (consumer, event_id, processed_at) values (:consumer, :id, :now) "
                                        + "on conflict do nothing")
                        .setParameter("consumer", consumer)
                        .setParameter("id", eventId)
                        .setParameter("now", clock.instant())
                        .executeUpdate()
                        .map(inserted -> inserted == 1));
    }

    /** Ids are kept longer than any topic's retention, after which no redelivery is possible. */
    @Scheduled(every = "1h", delayed = "2m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(session -> session.createNativeQuery(
                                        "delete from processed_event where processed_at < :before")
                                .setParameter("before", clock.instant().minus(retention))
                                .executeUpdate()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
