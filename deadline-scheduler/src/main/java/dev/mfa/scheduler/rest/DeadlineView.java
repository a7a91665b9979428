package dev.mfa.scheduler.rest;

import dev.mfa.scheduler.domain.DeadlineTrigger;
import dev.mfa.scheduler.domain.OrgDeadline;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the scheduler holds for one org: its deadline and every event planned or fired for it. */
public record DeadlineView(
        String orgId, boolean enabled, Instant enforcementDeadline, long policyVersion, List<Trigger> events) {

    /** {@code outcome} is null while pending, {@code FIRED} or {@code SKIPPED} (stale reminder) afterwards. */
    public record Trigger(
            UUID eventId,
            String type,
            int daysLeft,
            Instant fireAt,
            Instant firedAt,
            String outcome,
            Instant enforcementDeadline) {
        static Trigger of(DeadlineTrigger t) {
            return new Trigger(
                    t.eventId,
                    t.kind.eventType(),
                    t.daysLeft,
                    t.fireAt,
                    t.firedAt,
                    t.outcome == null ? null : t.outcome.name(),
                    t.enforcementDeadline);
        }
    }

    static DeadlineView of(OrgDeadline org, List<DeadlineTrigger> triggers) {
        return new DeadlineView(
                org.orgId,
                org.enabled,
                org.enforcementDeadline,
                org.policyVersion,
                triggers.stream().map(Trigger::of).toList());
    }
}
