package dev.mfa.core.outbox;

import dev.mfa.core.time.SqlInstants;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in insertion order and marks them sent once the broker acknowledged them
 * ({@code acks=all} on the {@value #CHANNEL} channel). A transaction-scoped advisory lock lets one replica relay
 * at a time, which keeps per-key order across replicas. A failed send rolls the batch back: it is sent again,
 * and consumers drop the duplicates by event id.
 */
@ApplicationScoped
public class OutboxRelay {

    public static final String CHANNEL = "outbox";
    /** Any constant shared by all replicas of one service (each service has its own database). */
    private static final long RELAY_LOCK_ID = 0x6d66615f6f7574L;
    /** A run that has not finished by then (e.g. a hung broker connection) is abandoned so that the next starts. */
    private static final Duration STUCK_RUN_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final MutinyEmitter<String> emitter;
    private final OutboxConfig config;
    private final Clock clock;
    private final Counter published;
    private final OutboxBacklog backlog;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timerId;

    public OutboxRelay(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = OutboxConfig.MAX_BATCH_SIZE)
                    MutinyEmitter<String> emitter,
            OutboxConfig config,
            Clock clock,
            MeterRegistry registry) {
        this.emitter = emitter;
        this.config = config;
        this.clock = clock;
        this.published = Counter.builder("mfa.outbox.published")
                .description("Outbox events acknowledged by Kafka")
                .register(registry);
        this.backlog = new OutboxBacklog(clock, registry);
    }

    /**
     * A Vert.x timer rather than {@code @Scheduled}: the scheduler ticks once a second, which would add up to a
     * second to every event's latency; this polls every {@code mfa.outbox.poll-interval} (default 100 ms).
     */
    void start(
            @Observes StartupEvent event,
            Vertx vertx,
            @ConfigProperty(name = "mfa.outbox.poll-interval", defaultValue = "PT0.1S") Duration interval) {
        timerId = vertx.setPeriodic(interval.toMillis(), id -> {
            Application app = Application.currentApplication();
            // Like @Scheduled's ApplicationNotRunning: the Kafka channel is wired only once startup completed.
            if (app != null && app.isStarted() && running.compareAndSet(false, true)) {
                // A fresh duplicated context per run, so that no Hibernate Reactive session outlives its run.
                Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
                // Hibernate Reactive only runs on a context marked safe (isolated), as Quarkus does for requests.
                VertxContextSafetyToggle.setContextSafe(context, true);
                // Deferred: an exception while assembling the run must still release the flag.
                context.runOnContext(ignored -> Uni.createFrom()
                        .deferred(this::poll)
                        .subscribe()
                        .with(done -> running.set(false), failure -> running.set(false)));
            }
        });
    }

    void stop(@Observes ShutdownEvent event, Vertx vertx) {
        vertx.cancelTimer(timerId);
    }

    Uni<Void> poll() {
        return relayUntilEmpty(0)
                .ifNoItem()
                .after(STUCK_RUN_TIMEOUT)
                .fail()
                .onFailure()
                .invoke(e -> LOG.warnf(
                        "outbox relay failed, will retry: %s", e.getClass().getSimpleName()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Keeps relaying full batches so that a backlog drains without waiting for the next tick. */
    private Uni<Void> relayUntilEmpty(int rounds) {
        return relayBatch()
                .flatMap(count -> count >= runSize() && rounds < 100
                        ? relayUntilEmpty(rounds + 1)
                        : Uni.createFrom().voidItem());
    }

    /**
     * The oldest unsent rows, in order, up to {@code :limit} events: the running sum stops at the row that reaches the
     * limit (a batched row carries many events), but always lets the first row through.
     */
    static final String PENDING = "select id, topic, record_key, payload, batched from ("
            + " select seq, id, topic, record_key, payload, batched, event_count,"
            + " sum(event_count) over (order by seq) as upto"
            + " from outbox_event where sent_at is null order by seq limit :limit"
            + ") pending where upto - event_count < :limit order by seq";

    /** Relays one run of up to {@code batch-size} events; returns how many events were published. */
    public Uni<Integer> relayBatch() {
        return Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "select pg_try_advisory_xact_lock(" + RELAY_LOCK_ID + ")", Boolean.class)
                        .getSingleResult()
                        .flatMap(locked -> !locked
                                ? Uni.createFrom().item(0)
                                : session.createNativeQuery(PENDING, Object[].class)
                                        .setParameter("limit", runSize())
                                        .getResultList()
                                        .flatMap(rows -> rows.isEmpty()
                                                ? Uni.createFrom().item(0)
                                                : publish(session, rows)))));
    }

    /** Sends every event of {@code rows}, then marks the rows sent in the same transaction; returns the event count. */
    private Uni<Integer> publish(Mutiny.Session session, List<Object[]> rows) {
        List<UUID> ids = new ArrayList<>(rows.size());
        List<Uni<Void>> sends = new ArrayList<>();
        for (Object[] row : rows) {
            ids.add((UUID) row[0]);
            if (Boolean.TRUE.equals(row[4])) {
                for (OutboxBatches.KeyedEvent event : OutboxBatches.split((String) row[3])) {
                    sends.add(send((String) row[1], event.key(), event.json()));
                }
            } else {
                sends.add(send((String) row[1], (String) row[2], (String) row[3]));
            }
        }
        int events = sends.size();
        return Uni.join()
                .all(sends)
                .andFailFast()
                .flatMap(acked -> session.createNativeQuery("update outbox_event set sent_at = :now where id in (:ids)")
                        .setParameter("now", clock.instant())
                        .setParameter("ids", ids)
                        .executeUpdate())
                .map(updated -> {
                    published.increment(events);
                    return events;
                });
    }

    private int runSize() {
        return Math.min(config.batchSize(), OutboxConfig.MAX_BATCH_SIZE);
    }

    /** Issued in row order; the idempotent producer keeps that order per partition. */
    private Uni<Void> send(String topic, String key, String payload) {
        var metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(key)
                .build();
        return emitter.sendMessage(Message.of(payload).addMetadata(metadata));
    }

    /** Unsent rows: their count, their events and the oldest's creation time (null when none). */
    static final String BACKLOG = "select count(*), coalesce(sum(event_count), 0), min(created_at) from outbox_event "
            + "where sent_at is null";

    /**
     * Measures the backlog for {@link OutboxBacklog}'s gauges. Apart from the relay's 100 ms poll: a count every few
     * seconds is plenty for an alert and costs nothing on the hot path.
     */
    @Scheduled(
            every = "${mfa.outbox.backlog-interval:5s}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> measureBacklog() {
        return measuredBacklog()
                .onFailure()
                .invoke(e -> LOG.debugf(
                        "outbox backlog not measured: %s", e.getClass().getSimpleName()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Measures the backlog now, updates the gauges and returns the measurement. */
    public Uni<OutboxBacklog.Snapshot> measuredBacklog() {
        return Panache.withSession(() -> Panache.getSession()
                        .flatMap(session -> session.createNativeQuery(BACKLOG, Object[].class)
                                .getSingleResult()))
                .map(row -> backlog.measured(
                        ((Number) row[0]).longValue(), ((Number) row[1]).longValue(), SqlInstants.of(row[2])));
    }

    @Scheduled(every = "1h", delayed = "1m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purgeSent() {
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(
                                session -> session.createNativeQuery("delete from outbox_event where sent_at < :before")
                                        .setParameter("before", clock.instant().minus(config.retention()))
                                        .executeUpdate()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
