package dev.mfa.core.outbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of a batched outbox row: a JSON array of CloudEvents. Splitting slices each event's original text out
 * of the array with a streaming parser instead of re-serialising it, so relaying a batch costs little more than
 * relaying its events one row each.
 */
public final class OutboxBatches {

    /** One Kafka record to send: key = the event's {@code subject}, value = the CloudEvent's JSON text. */
    public record KeyedEvent(String key, String json) {}

    private static final JsonFactory JSON = new JsonFactory();

    private OutboxBatches() {}

    /** Joins already encoded CloudEvents into a batch payload. */
    public static String join(List<String> encodedEvents) {
        return "[" + String.join(",", encodedEvents) + "]";
    }

    /** Splits a batch payload back into its events, in order. */
    public static List<KeyedEvent> split(String payload) {
        List<KeyedEvent> events = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("batched outbox payload is not a JSON array");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                int start = (int) parser.currentTokenLocation().getCharOffset();
                String subject = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if ("subject".equals(field) && value == JsonToken.VALUE_STRING) {
                        subject = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
                int end = (int) parser.currentLocation().getCharOffset();
                if (subject == null) {
                    throw new IllegalArgumentException("batched outbox event without a subject at offset " + start);
                }
                events.add(new KeyedEvent(subject, payload.substring(start, end)));
            }
            if (parser.currentToken() != JsonToken.END_ARRAY) {
                throw new IllegalArgumentException("batched outbox payload holds something other than objects");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("batched outbox payload is not valid JSON", e);
        }
        return events;
    }
}
