package dev.mfa.core.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in insertion order and deletes them once the broker acknowledged them
 * ({@code acks=all} on the {@value #CHANNEL} channel), in the transaction that read them: a row is written once and
 * deleted once. A transaction-scoped advisory lock lets one replica relay at a time, which keeps per-key order across
 * replicas. A failed send rolls the batch back: it is sent again, and consumers drop the duplicates by event id.
 *
 * <p>Runs on the bare reactive pool (no ORM session): per run {@code BEGIN}, the lock and the read go in one round
 * trip, the delete and {@code COMMIT} in another.
 */
@ApplicationScoped
public class OutboxRelay {

    public static final String CHANNEL = "outbox";
    /**
     * Any constant shared by all replicas of one service (each service has its own database); public for tests that
     * stand in for another replica holding it.
     */
    public static final long RELAY_LOCK_ID = 0x6d66615f6f7574L;
    /** A run that has not finished by then (e.g. a hung broker connection) is abandoned so that the next starts. */
    private static final Duration STUCK_RUN_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final MutinyEmitter<String> emitter;
    private final Pool pool;
    private final OutboxConfig config;
    private final Clock clock;
    private final Counter published;
    private final OutboxBacklog backlog;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timerId;

    public OutboxRelay(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = OutboxConfig.MAX_BATCH_SIZE)
                    MutinyEmitter<String> emitter,
            Pool pool,
            OutboxConfig config,
            Clock clock,
            MeterRegistry registry) {
        this.emitter = emitter;
        this.pool = pool;
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
    void start(@Observes StartupEvent event, Vertx vertx) {
        timerId = vertx.setPeriodic(config.pollInterval().toMillis(), id -> {
            Application app = Application.currentApplication();
            // Like @Scheduled's ApplicationNotRunning: the Kafka channel is wired only once startup completed.
            if (app != null && app.isStarted() && running.compareAndSet(false, true)) {
                // A fresh duplicated context per run, so that no context-local state outlives its run.
                Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
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

    static final String LOCK = "select pg_try_advisory_xact_lock(" + RELAY_LOCK_ID + ")";

    /**
     * The oldest unsent rows, in order, up to {@code $1} events: the running sum stops at the row that reaches the
     * limit (a batched row carries many events), but always lets the first row through. {@code sent_at} is set only
     * on rows marked by relays before issue 16 (they are purged by {@link #purgeSent()}); the relay deletes its rows.
     */
    static final String PENDING = "select id, topic, record_key, payload, batched from ("
            + " select seq, id, topic, record_key, payload, batched, event_count,"
            + " sum(event_count) over (order by seq) as upto"
            + " from outbox_event where sent_at is null order by seq limit $1"
            + ") pending where upto - event_count < $1 order by seq";

    /** Exactly the rows read and sent: a row committed meanwhile, even with a lower seq, stays for the next run. */
    static final String DELETE_SENT = "delete from outbox_event where id = any($1)";

    /** Relays one run of up to {@code batch-size} events; returns how many events were published. */
    public Uni<Integer> relayBatch() {
        Tuple limit = Tuple.of(runSize());
        return pool.withConnection(conn -> Uni.combine()
                .all()
                // Pipelined, one round trip. The read is a statement of its own so that its snapshot is taken once
                // the lock is held: rows another replica relayed and deleted just before are not seen again.
                .unis(
                        conn.query("BEGIN").execute(),
                        conn.query(LOCK).execute(),
                        conn.preparedQuery(PENDING).execute(limit))
                .asTuple()
                .flatMap(t -> {
                    boolean locked = t.getItem2().iterator().next().getBoolean(0);
                    RowSet<Row> rows = t.getItem3();
                    return !locked || rows.size() == 0
                            ? conn.query("ROLLBACK").execute().replaceWith(0)
                            : publish(conn, rows);
                })
                .onFailure()
                .call(() -> conn.query("ROLLBACK").execute().onFailure().recoverWithNull()));
    }

    /**
     * Sends every event of {@code rows}, then deletes the rows and commits, pipelined; returns the event count. Should
     * the delete fail, the server answers the {@code COMMIT} of the aborted transaction with a rollback.
     */
    private Uni<Integer> publish(SqlConnection conn, RowSet<Row> rows) {
        List<UUID> ids = new ArrayList<>(rows.size());
        List<Uni<Void>> sends = new ArrayList<>();
        for (Row row : rows) {
            ids.add(row.getUUID(0));
            String topic = row.getString(1);
            // The payload is sent as stored: plain rows as they are, batched rows sliced, never re-encoded.
            if (row.getBoolean(4)) {
                for (OutboxBatches.KeyedEvent event : OutboxBatches.split(row.getString(3))) {
                    sends.add(send(topic, event.key(), event.json()));
                }
            } else {
                sends.add(send(topic, row.getString(2), row.getString(3)));
            }
        }
        int events = sends.size();
        Tuple sent = Tuple.tuple().addArrayOfUUID(ids.toArray(UUID[]::new));
        return Uni.join()
                .all(sends)
                .andFailFast()
                .flatMap(acked -> Uni.combine()
                        .all()
                        .unis(
                                conn.preparedQuery(DELETE_SENT).execute(sent),
                                conn.query("COMMIT").execute())
                        .asTuple())
                .map(done -> {
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
        return pool.query(BACKLOG).execute().map(rows -> {
            Row row = rows.iterator().next();
            OffsetDateTime oldest = row.getOffsetDateTime(2);
            return backlog.measured(row.getLong(0), row.getLong(1), oldest == null ? null : oldest.toInstant());
        });
    }

    /**
     * Deletes rows that relays before issue 16 marked sent instead of deleting them, once they are older than the
     * retention; the relay itself leaves no sent row behind.
     */
    @Scheduled(every = "1h", delayed = "1m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purgeSent() {
        OffsetDateTime before = clock.instant().minus(config.retention()).atOffset(ZoneOffset.UTC);
        return pool.preparedQuery("delete from outbox_event where sent_at < $1")
                .execute(Tuple.of(before))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
