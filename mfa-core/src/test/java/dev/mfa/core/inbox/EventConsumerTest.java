package dev.mfa.core.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EventConsumerTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final EventCodec codec = new EventCodec();
    private final InMemoryProcessedEvents processed = new InMemoryProcessedEvents(Duration.ofSeconds(30));
    private final List<Events.DeadlineReached> handled = new ArrayList<>();

    private EventConsumer consumer(EventConsumer.Handler<Events.DeadlineReached> handler) {
        return EventConsumer.named("test-consumer")
                .on(EventTypes.DEADLINE_REACHED, Events.DeadlineReached.class, handler)
                .build(codec, processed);
    }

    private EventConsumer recording() {
        return consumer((event, data) -> {
            handled.add(data);
            return Uni.createFrom().voidItem();
        });
    }

    private String event(UUID id, String type, Object data) {
        var json = codec.mapper().valueToTree(data);
        return codec.encode(
                new CloudEvent(CloudEvent.SPEC_VERSION, id, "test", type, "acme", NOW, CloudEvent.JSON, json));
    }

    private String deadlineReached(UUID id) {
        return event(id, EventTypes.DEADLINE_REACHED, new Events.DeadlineReached("acme", NOW));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(20));
    }

    @Test
    void dispatchesByTypeWithTheDecodedData() {
        assertThat(await(recording().consume(deadlineReached(UUID.randomUUID()))))
                .isTrue();
        assertThat(handled).containsExactly(new Events.DeadlineReached("acme", NOW));
    }

    @Test
    void aRedeliveredEventHasNoSecondEffect() {
        EventConsumer consumer = recording();
        UUID id = UUID.randomUUID();
        assertThat(await(consumer.consume(deadlineReached(id)))).isTrue();
        assertThat(await(consumer.consume(deadlineReached(id)))).isFalse();
        assertThat(handled).hasSize(1);
        assertThat(processed.committed).containsExactly("test-consumer/" + id);
    }

    @Test
    void handleHandsBackTheHandlersItemOnlyWhenItRan() {
        EventConsumer consumer = consumer((event, data) -> Uni.createFrom().item(data.orgId()));
        UUID id = UUID.randomUUID();
        assertThat(await(consumer.handle(deadlineReached(id)))).isEqualTo(new EventConsumer.Outcome(true, "acme"));
        assertThat(await(consumer.handle(deadlineReached(id)))).isEqualTo(new EventConsumer.Outcome(false, null));
    }

    @Test
    void anUnknownTypeIsRecordedAndIgnored() {
        EventConsumer consumer = recording();
        UUID id = UUID.randomUUID();
        String payload = event(id, "mfa.something.new", new Events.DeadlineReached("acme", NOW));
        assertThat(await(consumer.consume(payload))).isTrue();
        assertThat(await(consumer.consume(payload))).isFalse();
        assertThat(handled).isEmpty();
    }

    @Test
    void aMalformedRecordFailsAtOnceForTheDeadLetterTopic() {
        assertThatThrownBy(() -> await(recording().consume("{not json")))
                .isInstanceOf(EventCodec.EventFormatException.class);
        assertThat(processed.transactions).hasValue(0);
    }

    @Test
    void dataOfTheWrongShapeFailsAtOnceAndRecordsNothing() {
        UUID id = UUID.randomUUID();
        String payload = event(id, EventTypes.DEADLINE_REACHED, List.of("not", "an", "object"));
        assertThatThrownBy(() -> await(recording().consume(payload)))
                .isInstanceOf(EventCodec.EventFormatException.class);
        assertThat(handled).isEmpty();
        assertThat(processed.transactions).hasValue(1);
        assertThat(processed.committed).isEmpty();
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        EventConsumer consumer = consumer((event, data) -> {
            calls.incrementAndGet();
            return Uni.createFrom().failure(new IllegalArgumentException("breaks a rule"));
        });
        assertThatThrownBy(() -> await(consumer.consume(deadlineReached(UUID.randomUUID()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
        assertThat(processed.committed).isEmpty();
    }

    @Test
    void aTransientFailureIsRetriedUntilItPasses() {
        AtomicInteger calls = new AtomicInteger();
        EventConsumer consumer = consumer((event, data) -> calls.incrementAndGet() <= 2
                ? Uni.createFrom().failure(new IllegalStateException("database away"))
                : Uni.createFrom().voidItem());
        UUID id = UUID.randomUUID();
        assertThat(await(consumer.consume(deadlineReached(id)))).isTrue();
        assertThat(calls).hasValue(3);
        assertThat(processed.committed).containsExactly("test-consumer/" + id);
    }

    @Test
    void aTransientFailureThatOutlastsTheRetryWindowFailsTheRecordInsteadOfDroppingIt() {
        InMemoryProcessedEvents shortWindow = new InMemoryProcessedEvents(Duration.ofMillis(500));
        AtomicInteger calls = new AtomicInteger();
        EventConsumer consumer = EventConsumer.named("test-consumer")
                .on(EventTypes.DEADLINE_REACHED, Events.DeadlineReached.class, (event, data) -> {
                    calls.incrementAndGet();
                    return Uni.createFrom().failure(new IllegalStateException("database away"));
                })
                .build(codec, shortWindow);
        assertThatThrownBy(() -> await(consumer.consume(deadlineReached(UUID.randomUUID()))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(calls.get()).isGreaterThan(1);
        assertThat(shortWindow.committed).isEmpty();
    }

    @Test
    void twoHandlersForOneTypeAreAMistake() {
        EventConsumer.Handler<Events.DeadlineReached> nothing =
                (event, data) -> Uni.createFrom().voidItem();
        var builder = EventConsumer.named("x").on(EventTypes.DEADLINE_REACHED, Events.DeadlineReached.class, nothing);
        assertThatThrownBy(() -> builder.on(EventTypes.DEADLINE_REACHED, Events.DeadlineReached.class, nothing))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The real retry and dedupe logic over an in-memory table whose inserts roll back with a failed transaction. */
    static final class InMemoryProcessedEvents extends ProcessedEvents {
        final Set<String> committed = new HashSet<>();
        final Set<String> pending = new HashSet<>();
        final AtomicInteger transactions = new AtomicInteger();

        InMemoryProcessedEvents(Duration transientRetry) {
            super(Clock.systemUTC(), new SimpleMeterRegistry(), Duration.ofDays(45), transientRetry);
        }

        @Override
        protected <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
            return Uni.createFrom()
                    .deferred(() -> {
                        transactions.incrementAndGet();
                        pending.clear();
                        return work.get();
                    })
                    .invoke(done -> committed.addAll(pending))
                    .onTermination()
                    .invoke(pending::clear);
        }

        @Override
        public Uni<Boolean> markProcessed(String consumer, UUID eventId) {
            String key = consumer + "/" + eventId;
            return Uni.createFrom().item(!committed.contains(key) && pending.add(key));
        }
    }
}
