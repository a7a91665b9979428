package dev.mfa.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.scheduler.config.SchedulerConfig;
import dev.mfa.scheduler.domain.TriggerKind;
import dev.mfa.scheduler.domain.TriggerOutcome;
import dev.mfa.scheduler.domain.TriggerPlan;
import dev.mfa.scheduler.repository.DeadlineTriggerRepository;
import dev.mfa.scheduler.repository.DueTrigger;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The claim rules of {@link DeadlineClaimer} inside its transaction, against a mocked repository and outbox. */
class DeadlineClaimerTest {

    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
    private static final Instant DEADLINE = NOW.plusSeconds(60);

    private final DeadlineTriggerRepository triggers = mock(DeadlineTriggerRepository.class);
    private final Outbox outbox = mock(Outbox.class);
    private final SchedulerConfig config = mock(SchedulerConfig.class);
    private DeadlineClaimer claimer;

    @BeforeEach
    void setUp() {
        when(config.batchSize()).thenReturn(50);
        when(outbox.source()).thenReturn("/deadline-scheduler");
        when(outbox.publishAll(any(), anyList()))
                .thenAnswer(a -> Uni.createFrom().item(a.<List<?>>getArgument(1).size()));
        when(triggers.markDone(any(), any(), any()))
                .thenAnswer(a -> Uni.createFrom()
                        .item(a.<java.util.Collection<?>>getArgument(0).size()));
        claimer = new DeadlineClaimer(
                triggers,
                outbox,
                new EventCodec(),
                config,
                mock(SchedulerMetrics.class),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static DueTrigger due(long id, TriggerKind kind, int daysLeft, boolean stale) {
        return new DueTrigger(
                id,
                TriggerPlan.eventId("acme", DEADLINE, kind, daysLeft),
                "acme",
                DEADLINE,
                kind,
                daysLeft,
                DEADLINE.minus(Duration.ofDays(daysLeft)),
                stale);
    }

    @Test
    @SuppressWarnings("unchecked")
    void staleRemindersAreSkippedAndTheOthersFiredInDueOrderWithTheirPlannedIds() {
        DueTrigger stale = due(1, TriggerKind.APPROACHING, 7, true);
        DueTrigger reminder = due(2, TriggerKind.APPROACHING, 1, false);
        DueTrigger reached = due(3, TriggerKind.REACHED, 0, false);
        when(triggers.claimDue(NOW, 50)).thenReturn(Uni.createFrom().item(List.of(stale, reminder, reached)));

        var batch = claimer.claimDue(NOW).await().indefinitely();

        assertThat(batch.claimed()).isEqualTo(3);
        assertThat(batch.skipped()).isEqualTo(1);
        assertThat(batch.fired()).containsExactly(reminder, reached);
        ArgumentCaptor<List<CloudEvent>> events = ArgumentCaptor.forClass(List.class);
        verify(outbox).publishAll(eq(Topics.DEADLINES), events.capture());
        assertThat(events.getValue())
                .extracting(CloudEvent::id, CloudEvent::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(reminder.eventId(), EventTypes.DEADLINE_APPROACHING),
                        org.assertj.core.groups.Tuple.tuple(reached.eventId(), EventTypes.DEADLINE_REACHED));
        verify(triggers).markDone(List.of(2L, 3L), TriggerOutcome.FIRED, NOW);
        verify(triggers).markDone(List.of(1L), TriggerOutcome.SKIPPED, NOW);
    }

    @Test
    void nothingDueWritesNothing() {
        when(triggers.claimDue(NOW, 50)).thenReturn(Uni.createFrom().item(List.of()));
        var batch = claimer.claimDue(NOW).await().indefinitely();
        assertThat(batch.claimed()).isZero();
        verify(outbox, never()).publishAll(any(), anyList());
        verify(triggers, never()).markDone(any(), any(), any());
    }

    @Test
    void theEventCarriesTheDaysLeftOfItsReminder() {
        assertThat(DeadlineClaimer.eventOf(due(9, TriggerKind.APPROACHING, 7, false)))
                .isEqualTo(new Events.DeadlineApproaching("acme", DEADLINE, 7));
        assertThat(DeadlineClaimer.eventOf(due(10, TriggerKind.REACHED, 0, false)))
                .isEqualTo(new Events.DeadlineReached("acme", DEADLINE));
    }
}
