package dev.mfa.scheduler.domain;

import dev.mfa.core.events.EventTypes;

/** What a trigger fires. */
public enum TriggerKind {
    /** {@code mfa.deadline.approaching}: a reminder some days before the deadline. */
    APPROACHING(EventTypes.DEADLINE_APPROACHING),
    /** {@code mfa.deadline.reached}: MFA becomes mandatory. */
    REACHED(EventTypes.DEADLINE_REACHED);

    private final String eventType;

    TriggerKind(String eventType) {
        this.eventType = eventType;
    }

    public String eventType() {
        return eventType;
    }
}
