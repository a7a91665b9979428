package dev.mfa.core.inbox;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The one shape of an {@code @Incoming} handler: decode the CloudEvent, run the handler of its type once per event id
 * ({@link ProcessedEvents#once}, same transaction as the effect), and let failures sort themselves
 * ({@link TransientFailures}). A permanent failure (malformed record, data of the wrong shape, a rule the event
 * breaks) fails the returned {@code Uni} at once: the channel's {@code failure-strategy=dead-letter-queue} parks the
 * record on {@code <topic>.dlq} and the consumer goes on with the next. A transient one (database or broker away)
 * rolls back and is retried with backoff, so it is never skipped. A type without a handler is recorded and ignored,
 * so that producers can add types before consumers know them.
 *
 * <pre>{@code
 * EventConsumer events = EventConsumer.named("notification-service")
 *         .on(EventTypes.SMS_REQUESTED, Events.SmsRequested.class, intake::accept)
 *         .build(codec, processed);
 * @Incoming("sms-requests") Uni<Void> consume(String payload) { return events.consume(payload).replaceWithVoid(); }
 * }</pre>
 */
public final class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    /** Applies one event of a known type inside the processed-event transaction. */
    @FunctionalInterface
    public interface Handler<T> {
        Uni<?> handle(CloudEvent event, T data);
    }

    private record Route<T>(Class<T> dataType, Handler<T> handler) {
        Uni<?> run(EventCodec codec, CloudEvent event) {
            // Read inside the transaction: data of the wrong shape fails it, and nothing is recorded.
            return handler.handle(event, codec.data(event, dataType));
        }
    }

    private final String name;
    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final Map<String, Route<?>> routes;

    private EventConsumer(String name, EventCodec codec, ProcessedEvents processed, Map<String, Route<?>> routes) {
        this.name = name;
        this.codec = codec;
        this.processed = processed;
        this.routes = Map.copyOf(routes);
    }

    /** {@code consumer} is the name under which processed event ids are recorded (one per service). */
    public static Builder named(String consumer) {
        return new Builder(Objects.requireNonNull(consumer, "consumer"));
    }

    /**
     * Handles one record; completes with true when its effect ran now, false for a duplicate, and fails (for the
     * dead-letter topic) when the record cannot be processed.
     */
    public Uni<Boolean> consume(String payload) {
        return handle(payload).map(Outcome::ran);
    }

    /** Like {@link #consume}, and also hands back what the handler completed with (null when it did not run). */
    public Uni<Outcome> handle(String payload) {
        CloudEvent event;
        try {
            event = codec.decode(payload);
        } catch (RuntimeException e) {
            rejected(null, e);
            return Uni.createFrom().failure(e);
        }
        Route<?> route = routes.get(event.type());
        // Per record, not per consumer: records of other partitions may be handled at the same time.
        AtomicReference<Object> result = new AtomicReference<>();
        return processed
                .once(
                        name,
                        event.id(),
                        () -> route == null
                                ? Uni.createFrom().voidItem()
                                : route.run(codec, event).invoke(result::set))
                .map(ran -> new Outcome(ran, ran ? result.get() : null))
                .onFailure()
                .invoke(e -> rejected(event, e));
    }

    /** Whether the effect ran now (false: a duplicate), and the handler's item if it produced one. */
    public record Outcome(boolean ran, Object result) {}

    private void rejected(CloudEvent event, Throwable failure) {
        // The id and type only: the payload may hold ciphertexts, and the exception's message may quote it.
        LOG.warnf(
                "%s: event %s of type %s goes to the dead-letter topic (%s, %s)",
                name,
                event == null ? "?" : event.id(),
                event == null ? "?" : event.type(),
                TransientFailures.isTransient(failure) ? "transient failure outlasted the retries" : "permanent",
                failure.getClass().getSimpleName());
    }

    public static final class Builder {
        private final String name;
        private final Map<String, Route<?>> routes = new HashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** Routes events of {@code type} to {@code handler}, with their data read as {@code dataType}. */
        public <T> Builder on(String type, Class<T> dataType, Handler<T> handler) {
            if (routes.putIfAbsent(type, new Route<>(dataType, handler)) != null) {
                throw new IllegalArgumentException("two handlers for " + type);
            }
            return this;
        }

        public EventConsumer build(EventCodec codec, ProcessedEvents processed) {
            return new EventConsumer(name, codec, processed, routes);
        }
    }
}
