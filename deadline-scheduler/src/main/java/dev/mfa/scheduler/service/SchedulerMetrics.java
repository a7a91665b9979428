package dev.mfa.scheduler.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The scheduler's meters; recorded only after the transaction that fired the events committed. */
@ApplicationScoped
public class SchedulerMetrics {

    public static final String PENDING = "mfa.scheduler.deadlines.pending";
    public static final String FIRED = "mfa.scheduler.events.fired";
    public static final String SKIPPED = "mfa.scheduler.reminders.skipped";
    public static final String LAG = "mfa.scheduler.firing.lag";
    public static final String STALE_POLICIES = "mfa.scheduler.policies.stale";

    private final MeterRegistry registry;
    private final AtomicLong pending = new AtomicLong();
    private final Counter skipped;
    private final Counter stalePolicies;

    public SchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(PENDING, pending, AtomicLong::get)
                .description("Org deadlines that have not fired yet (refreshed every job run)")
                .register(registry);
        this.skipped = Counter.builder(SKIPPED)
                .description("Overdue reminders dropped because a later reminder or the deadline was also due")
                .register(registry);
        this.stalePolicies = Counter.builder(STALE_POLICIES)
                .description("Policy events ignored because their version was not newer than the stored one")
                .register(registry);
    }

    /** One event written to the outbox ({@code type} is its CloudEvents type), {@code lag} after its due time. */
    public void fired(String type, Duration lag) {
        Counter.builder(FIRED)
                .description("Deadline events written to the outbox")
                .tag("type", type)
                .register(registry)
                .increment();
        Timer.builder(LAG)
                .description("Time between an event's due time and its firing")
                .tag("type", type)
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(lag.isNegative() ? Duration.ZERO : lag);
    }

    public void skipped(int count) {
        skipped.increment(count);
    }

    public void stalePolicy() {
        stalePolicies.increment();
    }

    public void pending(long count) {
        pending.set(count);
    }
}
