package dev.mfa.scheduler.domain;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;

/** Which events a deadline fires, and when: pure functions, unit-tested. */
public final class TriggerPlan {

    /** One event to schedule. {@code daysLeft} is 0 for {@link TriggerKind#REACHED}. */
    public record Planned(UUID eventId, TriggerKind kind, int daysLeft, Instant fireAt) {}

    private static final String ID_NAMESPACE = "mfa.deadline";

    private TriggerPlan() {}

    /**
     * The deadline as stored and announced: PostgreSQL keeps microseconds, so the id derived from it and the value in
     * the event are the same before and after a round trip through the database.
     */
    public static Instant normalize(Instant deadline) {
        return deadline == null ? null : deadline.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * The reached event at the deadline, and a reminder {@code d} days before it for each configured {@code d} whose
     * time is still ahead of {@code setAt} (when the admin set the deadline): a reminder already past then would
     * announce more days than are left, so it is never scheduled. Reminders that become overdue later (downtime) are
     * the claim's business. Ordered by time.
     */
    public static List<Planned> plan(String orgId, Instant deadline, Instant setAt, Collection<Integer> reminderDays) {
        Objects.requireNonNull(orgId, "orgId");
        Instant at = normalize(Objects.requireNonNull(deadline, "deadline"));
        List<Planned> planned = new ArrayList<>();
        // Largest offset first = earliest reminder first.
        for (int days : new TreeSet<>(reminderDays).descendingSet()) {
            if (days <= 0) {
                continue;
            }
            Instant fireAt = at.minus(Duration.ofDays(days));
            if (setAt == null || fireAt.isAfter(setAt)) {
                planned.add(new Planned(
                        eventId(orgId, at, TriggerKind.APPROACHING, days), TriggerKind.APPROACHING, days, fireAt));
            }
        }
        planned.add(new Planned(eventId(orgId, at, TriggerKind.REACHED, 0), TriggerKind.REACHED, 0, at));
        return planned;
    }

    /**
     * A name-based (v3) UUID of org, deadline, kind and offset: the same event always gets the same id, so a replay
     * or a second firing is dropped by every consumer's idempotency check.
     */
    public static UUID eventId(String orgId, Instant deadline, TriggerKind kind, int daysLeft) {
        String name = ID_NAMESPACE + '|' + orgId + '|' + normalize(deadline) + '|' + kind.name() + '|' + daysLeft;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
