package dev.mfa.scheduler;

import static dev.mfa.scheduler.Fixtures.newOrg;
import static dev.mfa.scheduler.Fixtures.onVertx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.scheduler.domain.TriggerPlan;
import dev.mfa.scheduler.service.DeadlineClaimer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A restart after downtime: the state a previous process left (deadlines and reminders planned, nothing fired) is
 * written straight to the database with times that have passed meanwhile; the catch-up run fires the overdue
 * deadline once and skips the stale reminders.
 */
@QuarkusTest
class CatchUpIT extends SchedulerCase {

    private static final List<Integer> REMINDERS = List.of(14, 7, 1);

    @Inject
    DeadlineClaimer claimer;

    @Test
    void aDeadlinePassedDuringDowntimeFiresOnceAndItsRemindersAreSkipped() throws Exception {
        String org = newOrg("catch-up");
        Instant now = clock.instant();
        Instant deadline = now.minus(Duration.ofHours(3));
        insertCommitted(org, 4, deadline, now.minus(Duration.ofDays(20)), REMINDERS);

        onVertx(claimer::drain); // the catch-up run (the scheduled job may get there first: same outcome)
        onVertx(claimer::drain);

        List<CloudEvent> events = fx.deadlineEventsOf(org);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).type()).isEqualTo(EventTypes.DEADLINE_REACHED);
        assertThat(events.get(0).id()).isEqualTo(Fixtures.reachedId(org, deadline));
        assertThat(fx.codec.data(events.get(0), Events.DeadlineReached.class).enforcementDeadline())
                .isEqualTo(TriggerPlan.normalize(deadline));
        assertThat(Fixtures.triggers(org))
                .containsExactly(
                        "APPROACHING:14:SKIPPED", "APPROACHING:7:SKIPPED", "APPROACHING:1:SKIPPED", "REACHED:0:FIRED");
    }

    @Test
    void overdueRemindersBeforeAFutureDeadlineFireOnlyTheLatest() throws Exception {
        String org = newOrg("catch-up-reminders");
        Instant now = clock.instant();
        Instant deadline = now.plus(Duration.ofDays(3));
        insertCommitted(org, 2, deadline, now.minus(Duration.ofDays(20)), REMINDERS);

        onVertx(claimer::drain);
        List<CloudEvent> events = fx.deadlineEventsOf(org);
        assertThat(events).hasSize(1);
        assertThat(fx.codec.data(events.get(0), Events.DeadlineApproaching.class))
                .isEqualTo(new Events.DeadlineApproaching(org, TriggerPlan.normalize(deadline), 7));
        assertThat(Fixtures.triggers(org))
                .containsExactly(
                        "APPROACHING:14:SKIPPED", "APPROACHING:7:FIRED", "APPROACHING:1:PENDING", "REACHED:0:PENDING");

        // Back to normal: the next reminder and the deadline fire on time, once each.
        clock.advanceTo(deadline.minus(Duration.ofDays(1)).plusSeconds(1));
        onVertx(claimer::drain);
        clock.advanceTo(deadline.plusSeconds(1));
        onVertx(claimer::drain);
        onVertx(claimer::drain);
        assertThat(fx.deadlineEventsOf(org))
                .extracting(CloudEvent::type)
                .containsExactly(
                        EventTypes.DEADLINE_APPROACHING, EventTypes.DEADLINE_APPROACHING, EventTypes.DEADLINE_REACHED);
        assertThat(Fixtures.triggers(org))
                .containsExactly(
                        "APPROACHING:14:SKIPPED", "APPROACHING:7:FIRED", "APPROACHING:1:FIRED", "REACHED:0:FIRED");
    }
}
