package dev.mfa.core.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The relay's backlog as gauges: unsent rows, the events they carry, and the age of the oldest unsent row. A growing
 * age is the one sign that events are not reaching the broker (its outage, or a relay that stopped), so it is what
 * to alert on. {@link OutboxRelay} measures the table; the age is computed when read, so it keeps growing between
 * measurements while the oldest row waits.
 */
public final class OutboxBacklog {

    private final Clock clock;
    private volatile Snapshot last = new Snapshot(0, 0, null);

    /** One measurement: unsent rows, their events, the oldest's creation time (null when none). */
    public record Snapshot(long rows, long events, Instant oldest) {}

    public OutboxBacklog(Clock clock, MeterRegistry registry) {
        this.clock = clock;
        Gauge.builder("mfa.outbox.backlog.rows", this, b -> b.last.rows())
                .description("Outbox rows not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("mfa.outbox.backlog.events", this, b -> b.last.events())
                .description("Events in the outbox rows not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("mfa.outbox.backlog.age", this, b -> b.ageSecondsAt(b.clock.instant()))
                .baseUnit("seconds")
                .description("Age of the oldest outbox row not yet acknowledged by Kafka (0 when none)")
                .register(registry);
    }

    /** A new measurement; {@code oldest} is the creation time of the oldest unsent row, null when there is none. */
    public Snapshot measured(long rows, long events, Instant oldest) {
        Snapshot snapshot = new Snapshot(rows, events, rows == 0 ? null : oldest);
        last = snapshot;
        return snapshot;
    }

    double ageSecondsAt(Instant now) {
        Instant oldest = last.oldest();
        // Never negative: rows written by another replica may carry a clock slightly ahead of ours.
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
    }
}
