package dev.mfa.scheduler.repository;

import dev.mfa.scheduler.domain.TriggerKind;
import java.time.Instant;
import java.util.UUID;

/**
 * A claimed, due trigger. {@code stale} is a reminder that must not fire: its deadline has passed, or a later reminder
 * of the same deadline is also due (catch-up after downtime fires only the latest one).
 */
public record DueTrigger(
        long id,
        UUID eventId,
        String orgId,
        Instant enforcementDeadline,
        TriggerKind kind,
        int daysLeft,
        Instant fireAt,
        boolean stale) {}
