package dev.mfa.scheduler.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One event to fire at {@link #fireAt}. Written and claimed with native SQL, read as entities, all in
 * {@code DeadlineTriggerRepository}.
 */
@Entity
@Table(name = "deadline_trigger")
public class DeadlineTrigger {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, unique = true)
    public UUID eventId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "enforcement_deadline", nullable = false)
    public Instant enforcementDeadline;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TriggerKind kind;

    /** The reminder's offset in days; 0 for {@link TriggerKind#REACHED}. */
    @Column(name = "days_left", nullable = false)
    public int daysLeft;

    @Column(name = "fire_at", nullable = false)
    public Instant fireAt;

    @Column(name = "fired_at")
    public Instant firedAt;

    @Enumerated(EnumType.STRING)
    public TriggerOutcome outcome;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
