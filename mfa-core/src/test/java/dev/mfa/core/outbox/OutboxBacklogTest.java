package dev.mfa.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class OutboxBacklogTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OutboxBacklog backlog = new OutboxBacklog(Clock.fixed(NOW, ZoneOffset.UTC), registry);

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void anEmptyOutboxHasNoBacklog() {
        assertThat(gauge("mfa.outbox.backlog.rows")).isZero();
        assertThat(gauge("mfa.outbox.backlog.events")).isZero();
        assertThat(gauge("mfa.outbox.backlog.age")).isZero();
    }

    @Test
    void rowsEventsAndTheAgeOfTheOldestUnsentRow() {
        backlog.measured(3, 2_003, NOW.minusSeconds(90));
        assertThat(gauge("mfa.outbox.backlog.rows")).isEqualTo(3);
        assertThat(gauge("mfa.outbox.backlog.events")).isEqualTo(2_003);
        assertThat(gauge("mfa.outbox.backlog.age")).isEqualTo(90);
        assertThat(registry.get("mfa.outbox.backlog.age").gauge().getId().getBaseUnit())
                .isEqualTo("seconds");
    }

    @Test
    void theAgeKeepsGrowingBetweenMeasurementsWhileTheOldestRowWaits() {
        backlog.measured(1, 1, NOW);
        assertThat(backlog.ageSecondsAt(NOW.plusMillis(30_500))).isEqualTo(30.5);
    }

    @Test
    void theAgeDropsToZeroOnceEverythingIsSent() {
        backlog.measured(1, 1, NOW.minusSeconds(5));
        backlog.measured(0, 0, null);
        assertThat(gauge("mfa.outbox.backlog.age")).isZero();
        assertThat(gauge("mfa.outbox.backlog.rows")).isZero();
    }

    @Test
    void aRowStampedAheadOfOurClockIsNotANegativeAge() {
        backlog.measured(1, 1, NOW.plusSeconds(2));
        assertThat(gauge("mfa.outbox.backlog.age")).isZero();
    }
}
