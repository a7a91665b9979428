package dev.mfa.scheduler;

import static dev.mfa.scheduler.Fixtures.newOrg;
import static dev.mfa.scheduler.Fixtures.onVertx;
import static dev.mfa.scheduler.Fixtures.reachedId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.scheduler.domain.TriggerKind;
import dev.mfa.scheduler.domain.TriggerPlan;
import dev.mfa.scheduler.service.DeadlineClaimer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Policies arrive over the real broker; deadline events are counted on the real {@code mfa.deadlines} topic. The
 * application's clock is a {@link TestClock}; each test moves it forward and then runs the claim itself (the
 * scheduled job runs too, every second, which changes nothing: it claims the same rows or none).
 */
@QuarkusTest
class OrgPolicyIT extends SchedulerCase {

    private static final Duration SECOND = Duration.ofSeconds(1);

    @Inject
    DeadlineClaimer claimer;

    private void runClaim() {
        onVertx(claimer::drain);
    }

    private static Instant deadlineOf(CloudEvent e, Fixtures fx) {
        return e.type().equals(EventTypes.DEADLINE_REACHED)
                ? fx.codec.data(e, Events.DeadlineReached.class).enforcementDeadline()
                : fx.codec.data(e, Events.DeadlineApproaching.class).enforcementDeadline();
    }

    @Test
    void mfaTurnedOnWithImmediateDeadlineFiresOnceAtOnce() throws Exception {
        String org = newOrg("immediate");
        Instant now = clock.instant();
        fx.sendAndAwait(fx.policy(org, true, now, 1, now));

        fx.awaitOutboxEvents(org, 1);
        List<CloudEvent> events = fx.deadlineEventsOf(org);
        assertThat(events).hasSize(1);
        CloudEvent reached = events.get(0);
        assertThat(reached.type()).isEqualTo(EventTypes.DEADLINE_REACHED);
        assertThat(reached.source()).isEqualTo("/deadline-scheduler");
        assertThat(reached.id()).isEqualTo(reachedId(org, now));
        var data = fx.codec.data(reached, Events.DeadlineReached.class);
        assertThat(data.orgId()).isEqualTo(org);
        assertThat(data.enforcementDeadline()).isEqualTo(TriggerPlan.normalize(now));
        assertThat(Fixtures.triggers(org)).containsExactly("REACHED:0:FIRED");

        // Running again, and the same policy again (new event id, same version), fire nothing more.
        runClaim();
        fx.sendAndAwait(fx.policy(org, true, now, 1, now));
        runClaim();
        assertThat(fx.deadlineEventsOf(org)).hasSize(1);
    }

    @Test
    void deadlineMovedLaterFiresOnlyAtItsNewTime() throws Exception {
        String org = newOrg("moved-later");
        Instant now = clock.instant();
        Instant first = now.plus(Duration.ofHours(1));
        Instant moved = now.plus(Duration.ofHours(2));
        fx.sendAndAwait(fx.policy(org, true, first, 1, now));
        fx.sendAndAwait(fx.policy(org, true, moved, 2, now.plusSeconds(5)));

        clock.advanceTo(first.plus(SECOND));
        runClaim();
        assertThat(fx.deadlineEventsOf(org)).isEmpty();
        assertThat(Fixtures.triggers(org)).containsExactly("REACHED:0:PENDING");

        clock.advanceTo(moved.plus(SECOND));
        runClaim();
        List<CloudEvent> events = fx.deadlineEventsOf(org);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).id()).isEqualTo(reachedId(org, moved));
        assertThat(deadlineOf(events.get(0), fx)).isEqualTo(TriggerPlan.normalize(moved));
    }

    @Test
    void deadlineMovedEarlierDropsTheOldRemindersAndFiresAtTheNewTime() throws Exception {
        String org = newOrg("moved-earlier");
        Instant now = clock.instant();
        Instant first = now.plus(Duration.ofDays(15));
        Instant moved = now.plus(Duration.ofDays(3));
        fx.sendAndAwait(fx.policy(org, true, first, 1, now));
        // 14, 7 and 1 days before the first deadline, then the deadline itself.
        assertThat(Fixtures.triggers(org))
                .containsExactly(
                        "APPROACHING:14:PENDING",
                        "APPROACHING:7:PENDING",
                        "APPROACHING:1:PENDING",
                        "REACHED:0:PENDING");
        fx.sendAndAwait(fx.policy(org, true, moved, 2, now.plusSeconds(5)));
        // Three days ahead: only the one-day reminder still makes sense.
        assertThat(Fixtures.triggers(org)).containsExactly("APPROACHING:1:PENDING", "REACHED:0:PENDING");

        clock.advanceTo(first.minus(Duration.ofDays(14)).plus(SECOND)); // the old 14-day reminder's time
        runClaim();
        assertThat(fx.deadlineEventsOf(org)).isEmpty();

        clock.advanceTo(moved.minus(Duration.ofDays(1)).plus(SECOND));
        runClaim();
        clock.advanceTo(moved.plus(SECOND));
        runClaim();
        clock.advanceTo(first.plus(SECOND));
        runClaim();

        List<CloudEvent> events = fx.deadlineEventsOf(org);
        assertThat(events)
                .extracting(CloudEvent::type)
                .containsExactly(EventTypes.DEADLINE_APPROACHING, EventTypes.DEADLINE_REACHED);
        assertThat(events).allSatisfy(e -> assertThat(deadlineOf(e, fx)).isEqualTo(TriggerPlan.normalize(moved)));
        assertThat(fx.codec
                        .data(events.get(0), Events.DeadlineApproaching.class)
                        .daysLeft())
                .isEqualTo(1);
    }

    @Test
    void remindersFireOnceEachAndStartOverWhenTheDeadlineMoves() throws Exception {
        String org = newOrg("reminders");
        Instant now = clock.instant();
        Instant first = now.plus(Duration.ofDays(15));
        fx.sendAndAwait(fx.policy(org, true, first, 1, now));

        clock.advanceTo(first.minus(Duration.ofDays(14)).plus(SECOND));
        runClaim();
        runClaim();
        List<CloudEvent> events = fx.deadlineEventsOf(org);
        assertThat(events).hasSize(1);
        assertThat(fx.codec.data(events.get(0), Events.DeadlineApproaching.class))
                .isEqualTo(new Events.DeadlineApproaching(org, TriggerPlan.normalize(first), 14));

        // Moved five days later: the reminders start over for the new deadline.
        Instant moved = first.plus(Duration.ofDays(5));
        Instant movedAt = clock.instant();
        fx.sendAndAwait(fx.policy(org, true, moved, 2, movedAt));
        for (int days : List.of(14, 7, 1)) {
            clock.advanceTo(moved.minus(Duration.ofDays(days)).plus(SECOND));
            runClaim();
        }
        clock.advanceTo(moved.plus(SECOND));
        runClaim();
        runClaim();

        events = fx.deadlineEventsOf(org);
        assertThat(events)
                .extracting(e -> e.type() + "@" + deadlineOf(e, fx) + "/" + daysLeft(e))
                .containsExactly(
                        EventTypes.DEADLINE_APPROACHING + "@" + TriggerPlan.normalize(first) + "/14",
                        EventTypes.DEADLINE_APPROACHING + "@" + TriggerPlan.normalize(moved) + "/14",
                        EventTypes.DEADLINE_APPROACHING + "@" + TriggerPlan.normalize(moved) + "/7",
                        EventTypes.DEADLINE_APPROACHING + "@" + TriggerPlan.normalize(moved) + "/1",
                        EventTypes.DEADLINE_REACHED + "@" + TriggerPlan.normalize(moved) + "/0");
        assertThat(events.stream().map(CloudEvent::id).distinct()).hasSize(5);
        assertThat(events.get(1).id()).isEqualTo(TriggerPlan.eventId(org, moved, TriggerKind.APPROACHING, 14));
    }

    private int daysLeft(CloudEvent e) {
        return e.type().equals(EventTypes.DEADLINE_APPROACHING)
                ? fx.codec.data(e, Events.DeadlineApproaching.class).daysLeft()
                : 0;
    }

    @Test
    void mfaTurnedOffNeverFires() throws Exception {
        String org = newOrg("off");
        Instant now = clock.instant();
        Instant deadline = now.plus(Duration.ofHours(1));
        fx.sendAndAwait(fx.policy(org, true, deadline, 1, now));
        fx.sendAndAwait(fx.policy(org, false, deadline, 2, now.plusSeconds(5)));
        assertThat(Fixtures.triggers(org)).isEmpty();

        // Off from the start, even with a deadline that is already due.
        String offFromStart = newOrg("off-from-start");
        fx.sendAndAwait(fx.policy(offFromStart, false, now, 1, now));

        clock.advanceTo(deadline.plus(SECOND));
        runClaim();
        assertThat(fx.deadlineEventsOf(org)).isEmpty();
        assertThat(fx.deadlineEventsOf(offFromStart)).isEmpty();
        assertThat(Fixtures.triggers(offFromStart)).isEmpty();
    }

    @Test
    void outOfOrderAndDuplicatePolicyEventsNeverResurrectAnOldDeadline() throws Exception {
        String org = newOrg("out-of-order");
        Instant now = clock.instant();
        Instant older = now.plus(Duration.ofHours(1));
        Instant newer = now.plus(Duration.ofHours(2));
        CloudEvent v3 = fx.sendAndAwait(fx.policy(org, true, newer, 3, now.plusSeconds(3)));
        fx.send(org, fx.codec.encode(v3)); // the very same event again; the next ones wait behind it (same key)
        fx.sendAndAwait(fx.policy(org, true, older, 2, now.plusSeconds(2)));
        fx.sendAndAwait(fx.policy(org, false, null, 1, now.plusSeconds(1)));
        assertThat(Fixtures.storedVersion(org)).isEqualTo(3);
        assertThat(Fixtures.count("select count(*) from processed_event where event_id = ?", v3.id()))
                .isEqualTo(1);

        clock.advanceTo(older.plus(SECOND));
        runClaim();
        assertThat(fx.deadlineEventsOf(org)).isEmpty();

        clock.advanceTo(newer.plus(SECOND));
        runClaim();
        List<CloudEvent> events = fx.deadlineEventsOf(org);
        assertThat(events).extracting(CloudEvent::id).containsExactly(reachedId(org, newer));

        // A late version 2 that turns MFA off after the deadline fired is ignored too.
        fx.sendAndAwait(fx.policy(org, false, null, 2, now.plusSeconds(4)));
        assertThat(Fixtures.storedVersion(org)).isEqualTo(3);
        assertThat(Fixtures.triggers(org)).containsExactly("REACHED:0:FIRED");
    }

    @Test
    void aRecordThatIsNotAPolicyEventGoesToTheDeadLetterTopic() {
        String org = newOrg("garbage");
        fx.send(org, "not a cloud event");
        var dlq = fx.kafka
                .consumeStrings()
                .fromTopics(
                        Set.of(Topics.dlq(Topics.ORG_POLICIES)), m -> m.select().first(r -> !org.equals(r.key())))
                .awaitCompletion(Fixtures.WAIT);
        assertThat(dlq).isNotNull();
        // The consumer went on: a good record after it is processed.
        Instant now = clock.instant();
        fx.sendAndAwait(fx.policy(org, true, now.plus(Duration.ofDays(30)), 1, now));
    }
}
