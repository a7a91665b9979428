package dev.mfa.core.events;

/**
 * Marker for the typed {@code data} of an event. Each implementation names its CloudEvents type and
 * the record key (user id for user events, org id for org events) so that producers cannot mix them up.
 */
public interface EventData {
    /** The CloudEvents {@code type}. */
    String eventType();

    /** The Kafka record key and CloudEvents {@code subject}: keeps one user's (or org's) events in order. */
    String partitionKey();
}
