package dev.mfa.scheduler.domain;

/** What became of a due trigger. */
public enum TriggerOutcome {
    /** Its event was written to the outbox. */
    FIRED,
    /** A stale reminder (a later reminder or the deadline itself was also due): no event. */
    SKIPPED
}
