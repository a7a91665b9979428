package dev.mfa.scheduler.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerPlanTest {

    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
    private static final List<Integer> DAYS = List.of(1, 14, 7);

    @Test
    void plansEveryReminderAheadOfTheChangeThenTheDeadline() {
        Instant deadline = NOW.plus(Duration.ofDays(30));
        var plan = TriggerPlan.plan("acme", deadline, NOW, DAYS);
        assertThat(plan)
                .extracting(TriggerPlan.Planned::kind, TriggerPlan.Planned::daysLeft, TriggerPlan.Planned::fireAt)
                .containsExactly(
                        tuple(TriggerKind.APPROACHING, 14, deadline.minus(Duration.ofDays(14))),
                        tuple(TriggerKind.APPROACHING, 7, deadline.minus(Duration.ofDays(7))),
                        tuple(TriggerKind.APPROACHING, 1, deadline.minus(Duration.ofDays(1))),
                        tuple(TriggerKind.REACHED, 0, deadline));
    }

    @Test
    void remindersAlreadyPastWhenTheDeadlineWasSetAreNotPlanned() {
        Instant deadline = NOW.plus(Duration.ofDays(7)); // the 7-day reminder would be exactly now: not ahead
        assertThat(TriggerPlan.plan("acme", deadline, NOW, DAYS))
                .extracting(TriggerPlan.Planned::daysLeft)
                .containsExactly(1, 0);
    }

    @Test
    void anImmediateDeadlinePlansOnlyTheReachedEvent() {
        assertThat(TriggerPlan.plan("acme", NOW, NOW, DAYS))
                .extracting(TriggerPlan.Planned::kind)
                .containsExactly(TriggerKind.REACHED);
        assertThat(TriggerPlan.plan("acme", NOW.minusSeconds(60), NOW, DAYS)).hasSize(1);
    }

    @Test
    void ignoresNonPositiveAndRepeatedOffsets() {
        Instant deadline = NOW.plus(Duration.ofDays(30));
        assertThat(TriggerPlan.plan("acme", deadline, NOW, List.of(0, -3, 7, 7)))
                .extracting(TriggerPlan.Planned::daysLeft)
                .containsExactly(7, 0);
    }

    @Test
    void eventIdsAreDeterministicAndDistinctPerOrgDeadlineAndKind() {
        Instant deadline = Instant.parse("2026-04-01T00:00:00.123456789Z");
        var id = TriggerPlan.eventId("acme", deadline, TriggerKind.REACHED, 0);
        // Same after the database's microsecond round trip.
        assertThat(TriggerPlan.eventId("acme", Instant.parse("2026-04-01T00:00:00.123456Z"), TriggerKind.REACHED, 0))
                .isEqualTo(id);
        assertThat(id.version()).isEqualTo(3);
        assertThat(List.of(
                        TriggerPlan.eventId("globex", deadline, TriggerKind.REACHED, 0),
                        TriggerPlan.eventId("acme", deadline.plusSeconds(1), TriggerKind.REACHED, 0),
                        TriggerPlan.eventId("acme", deadline, TriggerKind.APPROACHING, 1),
                        TriggerPlan.eventId("acme", deadline, TriggerKind.APPROACHING, 7)))
                .doesNotContain(id)
                .doesNotHaveDuplicates();
        assertThat(TriggerPlan.plan("acme", deadline, NOW, DAYS).get(3).eventId())
                .isEqualTo(id);
    }

    @Test
    void normalizeKeepsMicroseconds() {
        assertThat(TriggerPlan.normalize(Instant.parse("2026-04-01T00:00:00.123456789Z")))
                .isEqualTo(Instant.parse("2026-04-01T00:00:00.123456Z"));
        assertThat(TriggerPlan.normalize(null)).isNull();
    }
}
