package dev.mfa.scheduler.repository;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Writes a batch of events to the shared {@code outbox_event} table (mfa-core, {@code db/core}) with one multi-row
 * insert, in the caller's transaction: the same rows {@code Outbox.publish} writes one statement at a time, which
 * would make a 1000-event claim 1000 round trips. Rows get their relay order ({@code seq}) in list order.
 */
@ApplicationScoped
public class OutboxBatchWriter {

    /** Rows per statement: 6 parameters each stays far below PostgreSQL's 65535 bind parameters. */
    static final int ROWS_PER_STATEMENT = 1000;

    private final EventCodec codec;

    public OutboxBatchWriter(EventCodec codec) {
        this.codec = codec;
    }

    public Uni<Integer> publishAll(String topic, List<CloudEvent> events, Instant now) {
        return publishFrom(topic, events, 0, now, 0);
    }

    private Uni<Integer> publishFrom(String topic, List<CloudEvent> events, int from, Instant now, int written) {
        if (from >= events.size()) {
            return Uni.createFrom().item(written);
        }
        List<CloudEvent> chunk = events.subList(from, Math.min(events.size(), from + ROWS_PER_STATEMENT));
        StringBuilder sql = new StringBuilder(
                "insert into outbox_event (id, topic, record_key, event_type, payload, created_at) values ");
        for (int i = 0; i < chunk.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :topic, :key").append(i)
                    .append(", :type").append(i).append(", :payload").append(i).append(", :now)");
        }
        return Panache.getSession().flatMap(session -> {
                    var query = session.createNativeQuery(sql.toString())
                            .setParameter("topic", topic)
                            .setParameter("now", now);
                    for (int i = 0; i < chunk.size(); i++) {
                        CloudEvent event = chunk.get(i);
                        query.setParameter("id" + i, event.id())
                                .setParameter("key" + i, event.subject())
                                .setParameter("type" + i, event.type())
                                .setParameter("payload" + i, codec.encode(event));
                    }
                    return query.executeUpdate();
                })
                .flatMap(count -> publishFrom(topic, events, from + chunk.size(), now, written + count));
    }
}
