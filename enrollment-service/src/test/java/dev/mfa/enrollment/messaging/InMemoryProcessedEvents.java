package dev.mfa.enrollment.messaging;

import dev.mfa.core.inbox.ProcessedEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/** The processed-event ids in memory: an id counts once its transaction completed, not when it failed. */
final class InMemoryProcessedEvents extends ProcessedEvents {

    final Set<UUID> committed = new HashSet<>();
    private UUID pending;

    InMemoryProcessedEvents() {
        super(Clock.systemUTC(), new SimpleMeterRegistry(), Duration.ofDays(45), Duration.ofSeconds(1));
    }

    @Override
    protected <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
        return Uni.createFrom()
                .deferred(work::get)
                .invoke(() -> {
                    if (pending != null) {
                        committed.add(pending);
                    }
                })
                .eventually(() -> pending = null);
    }

    @Override
    public Uni<Boolean> markProcessed(String consumer, UUID eventId) {
        if (!Channels.CONSUMER.equals(consumer)) {
            throw new IllegalArgumentException("recorded under " + consumer);
        }
        if (committed.contains(eventId)) {
            return Uni.createFrom().item(false);
        }
        pending = eventId;
        return Uni.createFrom().item(true);
    }
}
