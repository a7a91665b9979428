package dev.mfa.core.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads and writes CloudEvents 1.0 structured-mode JSON. Thread-safe; one instance per process is enough.
 * Unknown fields are tolerated in both the envelope and the data so that producers can add fields first.
 */
public final class EventCodec {

    private final ObjectMapper mapper;

    public EventCodec() {
        this.mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    /** Wraps typed data in a new envelope with a fresh random id. */
    public CloudEvent wrap(String source, EventData data, Instant time) {
        return wrap(UUID.randomUUID(), source, data, time);
    }

    /** Wraps typed data in an envelope with the given id (deterministic ids make re-emission idempotent). */
    public CloudEvent wrap(UUID id, String source, EventData data, Instant time) {
        Objects.requireNonNull(data, "data");
        return new CloudEvent(
                CloudEvent.SPEC_VERSION,
                id,
                source,
                data.eventType(),
                data.partitionKey(),
                time,
                CloudEvent.JSON,
                mapper.valueToTree(data));
    }

    public String encode(CloudEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new EventFormatException("cannot serialise event " + event.id() + " of type " + event.type(), e);
        }
    }

    /** Parses an envelope; a record that is not a CloudEvents 1.0 JSON event is an {@link EventFormatException}. */
    public CloudEvent decode(String json) {
        if (json == null || json.isBlank()) {
            throw new EventFormatException("empty record value", null);
        }
        CloudEvent event;
        try {
            event = mapper.readValue(json, CloudEvent.class);
        } catch (JsonProcessingException | RuntimeException e) {
            // Jackson's message may quote the payload, which can hold ciphertexts: keep only the class name.
            throw new EventFormatException(
                    "record value is not a CloudEvents JSON event ("
                            + e.getClass().getSimpleName() + ")",
                    null);
        }
        if (!CloudEvent.SPEC_VERSION.equals(event.specversion())) {
            throw new EventFormatException("unsupported specversion " + event.specversion(), null);
        }
        return event;
    }

    /** Reads the event's data as the given type. */
    public <T> T data(CloudEvent event, Class<T> type) {
        if (event.data() == null || event.data().isNull()) {
            throw new EventFormatException("event " + event.id() + " has no data", null);
        }
        try {
            return mapper.treeToValue(event.data(), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventFormatException(
                    "event " + event.id() + " data is not a valid " + type.getSimpleName() + " ("
                            + e.getClass().getSimpleName() + ")",
                    null);
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** A record that cannot be understood; consumers let it go to the dead-letter topic. */
    public static final class EventFormatException extends RuntimeException {
        public EventFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
