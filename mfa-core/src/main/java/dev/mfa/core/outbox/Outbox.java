package dev.mfa.core.outbox;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventData;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.UUID;

/**
 * Writes events to the outbox table in the caller's transaction, so that the domain change and its
 * event commit or roll back together. {@link OutboxRelay} publishes them afterwards.
 */
@ApplicationScoped
public class Outbox {

    static final String INSERT = "insert into outbox_event (id, topic, record_key, event_type, payload, created_at) "
            + "values (:id, :topic, :key, :type, :payload, :createdAt)";

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
        return Panache.getSession().flatMap(session -> session.createNativeQuery(INSERT)
                        .setParameter("id", event.id())
                        .setParameter("topic", topic)
                        .setParameter("key", event.subject())
                        .setParameter("type", event.type())
                        .setParameter("payload", codec.encode(event))
                        .setParameter("createdAt", event.time() == null ? clock.instant() : event.time())
                        .executeUpdate())
                .replaceWith(event);
    }

    public String source() {
        return config.source();
    }
}
