package dev.mfa.core.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The typed {@code data} of an event. Each implementation names its CloudEvents type with {@link EventType} and is
 * keyed by its user ({@link OfUser}) or its org ({@link OfOrg}), so that producers cannot mix them up. Every record
 * tolerates fields it does not know (Jackson inherits the annotation), so producers can add fields first.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public interface EventData {

    /** The CloudEvents {@code type}, from the record's {@link EventType}. */
    @JsonIgnore
    default String eventType() {
        return TypeNames.TYPES.get(getClass());
    }

    /** The Kafka record key and CloudEvents {@code subject}: keeps one user's (or org's) events in order. */
    @JsonIgnore
    String partitionKey();

    /** An event about one user: keyed by the user id. */
    interface OfUser extends EventData {
        String userId();

        @Override
        @JsonIgnore
        default String partitionKey() {
            return userId();
        }
    }

    /** An event about an org as a whole: keyed by the org id. */
    interface OfOrg extends EventData {
        String orgId();

        @Override
        @JsonIgnore
        default String partitionKey() {
            return orgId();
        }
    }

    /** Reads each class's {@link EventType} once. */
    final class TypeNames {
        private static final ClassValue<String> TYPES = new ClassValue<>() {
            @Override
            protected String computeValue(Class<?> type) {
                EventType annotation = type.getAnnotation(EventType.class);
                if (annotation == null) {
                    throw new IllegalStateException(type.getName() + " has no @EventType");
                }
                return annotation.value();
            }
        };

        private TypeNames() {}
    }
}
