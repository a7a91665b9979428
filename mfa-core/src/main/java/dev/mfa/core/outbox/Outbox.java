package dev.mfa.core.outbox;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventData;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Writes events to the outbox table in the caller's transaction, so that the domain change and its
 * event commit or roll back together. {@link OutboxRelay} publishes them afterwards.
 */
@ApplicationScoped
public class Outbox {

    /**
     * For SQL producers (the bare reactive client, set-based statements): the start of an INSERT of one-event rows,
     * to be followed by a SELECT or VALUES of (id, topic, record_key, event_type, payload, created_at).
     */
    public static final String INSERT_ROWS =
            "insert into outbox_event " + "(id, topic, record_key, event_type, payload, created_at) ";
    /**
     * The same for batched rows ({@link OutboxBatches}): (id, topic, record_key, event_type, payload, created_at,
     * batched, event_count), where payload is a JSON array of envelopes and batched is true.
     */
    public static final String INSERT_BATCHED_ROWS = "insert into outbox_event "
            + "(id, topic, record_key, event_type, payload, created_at, batched, event_count) ";

    static final String INSERT = INSERT_ROWS + "values (:id, :topic, :key, :type, :payload, :createdAt)";
    static final String INSERT_BATCH =
            INSERT_BATCHED_ROWS + "values (:id, :topic, :key, :type, :payload, :createdAt, true, :count)";
    /** Events per batched row: large enough to make rows cheap, small enough to keep a row's payload ~0.5 MB. */
    public static final int EVENTS_PER_BATCH_ROW = 1000;

    private final EventCodec codec;
    private final OutboxConfig config;
    private final Clock clock;

    public Outbox(EventCodec codec, OutboxConfig config, Clock clock) {
        this.codec = codec;
        this.config = config;
        this.clock = clock;
    }

    /** Must run inside a transaction ({@code @WithTransaction}); returns the event written. */
    public Uni<CloudEvent> publish(String topic, EventData data) {
        return publish(topic, codec.wrap(config.source(), data, clock.instant()));
    }

    /** Same, with a caller-chosen event id (for events derived deterministically from another event). */
    public Uni<CloudEvent> publish(String topic, UUID eventId, EventData data) {
        return publish(topic, codec.wrap(eventId, config.source(), data, clock.instant()));
    }

    public Uni<CloudEvent> publish(String topic, CloudEvent event) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(INSERT)
                        .setParameter("id", event.id())
                        .setParameter("topic", topic)
                        .setParameter("key", event.subject())
                        .setParameter("type", event.type())
                        .setParameter("payload", codec.encode(event))
                        .setParameter("createdAt", event.time() == null ? clock.instant() : event.time())
                        .executeUpdate())
                .replaceWith(event);
    }

    /**
     * Writes many events of one topic in the caller's transaction as batched rows ({@link OutboxBatches}); the relay
     * sends them one record each, in list order. Returns how many events were written.
     */
    public Uni<Integer> publishAll(String topic, List<CloudEvent> events) {
        return publishFrom(topic, events, 0);
    }

    private Uni<Integer> publishFrom(String topic, List<CloudEvent> events, int from) {
        if (from >= events.size()) {
            return Uni.createFrom().item(events.size());
        }
        List<CloudEvent> chunk = events.subList(from, Math.min(events.size(), from + EVENTS_PER_BATCH_ROW));
        Instant now = clock.instant();
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(INSERT_BATCH)
                        .setParameter("id", UUID.randomUUID())
                        .setParameter("topic", topic)
                        .setParameter("key", chunk.get(0).subject())
                        .setParameter("type", chunk.get(0).type())
                        .setParameter(
                                "payload",
                                OutboxBatches.join(
                                        chunk.stream().map(codec::encode).toList()))
                        .setParameter("createdAt", now)
                        .setParameter("count", chunk.size())
                        .executeUpdate())
                .flatMap(ignored -> publishFrom(topic, events, from + chunk.size()));
    }

    public String source() {
        return config.source();
    }

    /** One outbox row's values, for a producer that writes it with its own SQL ({@link #INSERT_ROWS}). */
    public record Row(UUID id, String topic, String key, String type, String payload) {}

    /** The row {@link #publish(String, EventData)} would write, with the event's time {@code time}. */
    public Row row(String topic, EventData data, Instant time) {
        CloudEvent event = codec.wrap(config.source(), data, time);
        return new Row(event.id(), topic, event.subject(), event.type(), codec.encode(event));
    }

    /**
     * A PostgreSQL expression of one event's envelope as {@link EventCodec} writes it, for set-based producers that
     * build events in SQL: a random id, the source, type and time ({@code Instant.toString()}) as named parameters,
     * the subject and the data ({@code json_build_object(...)}) as SQL expressions. Its text is the payload.
     */
    public static String envelopeSql(
            String sourceParam, String typeParam, String timeParam, String subjectSql, String dataSql) {
        return "json_build_object('specversion', '" + CloudEvent.SPEC_VERSION + "', 'id', gen_random_uuid(), "
                + "'source', cast(:" + sourceParam + " as text), 'type', cast(:" + typeParam + " as text), "
                + "'subject', " + subjectSql + ", 'time', cast(:" + timeParam + " as text), "
                + "'datacontenttype', '" + CloudEvent.JSON + "', 'data', " + dataSql + ")";
    }
}
