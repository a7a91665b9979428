package dev.mfa.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.Events;
import dev.mfa.scheduler.config.SchedulerConfig;
import dev.mfa.scheduler.domain.OrgDeadline;
import dev.mfa.scheduler.domain.TriggerPlan;
import dev.mfa.scheduler.repository.DeadlineTriggerRepository;
import dev.mfa.scheduler.repository.OrgDeadlineRepository;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The policy rules of {@link DeadlineService#apply} against mocked repositories. */
class DeadlineServiceTest {

    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
    private static final String ORG = "acme";

    private final OrgDeadlineRepository orgs = mock(OrgDeadlineRepository.class);
    private final DeadlineTriggerRepository triggers = mock(DeadlineTriggerRepository.class);
    private final SchedulerMetrics metrics = mock(SchedulerMetrics.class);
    private final SchedulerConfig config = mock(SchedulerConfig.class);
    private OrgDeadline row;
    private DeadlineService service;

    @BeforeEach
    void setUp() {
        row = new OrgDeadline();
        row.orgId = ORG;
        row.policyVersion = OrgDeadline.NO_VERSION;
        when(config.reminderDays()).thenReturn(List.of(14, 7, 1));
        when(orgs.lockOrCreate(eq(ORG), any())).thenReturn(Uni.createFrom().item(row));
        when(triggers.replacePending(any(), any(), anyList(), any()))
                .thenReturn(Uni.createFrom().voidItem());
        when(triggers.deletePending(any())).thenReturn(Uni.createFrom().item(0));
        service = new DeadlineService(orgs, triggers, config, metrics, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Events.OrgPolicyChanged policy(long version, boolean enabled, Instant deadline) {
        return new Events.OrgPolicyChanged(ORG, enabled, deadline, "ACTIVE", List.of("TOTP"), version, NOW);
    }

    private boolean apply(Events.OrgPolicyChanged policy) {
        return service.apply(policy).await().indefinitely();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNewDeadlinePlansItsRemindersAndTheDeadline() {
        Instant deadline = NOW.plus(Duration.ofDays(30));
        assertThat(apply(policy(1, true, deadline))).isFalse();
        ArgumentCaptor<List<TriggerPlan.Planned>> planned = ArgumentCaptor.forClass(List.class);
        verify(triggers).replacePending(eq(ORG), eq(deadline), planned.capture(), eq(NOW));
        assertThat(planned.getValue()).extracting(TriggerPlan.Planned::daysLeft).containsExactly(14, 7, 1, 0);
        assertThat(row.policyVersion).isEqualTo(1);
        assertThat(row.effectiveDeadline()).contains(deadline);
    }

    @Test
    void aDeadlineAlreadyDueIsReportedSoThatItFiresAtOnce() {
        assertThat(apply(policy(1, true, NOW))).isTrue();
        assertThat(apply(policy(2, true, NOW.plusSeconds(3600)))).isFalse();
    }

    @Test
    void aStaleOrRepeatedVersionChangesNothing() {
        row.policyVersion = 5;
        row.enabled = true;
        row.enforcementDeadline = NOW.plus(Duration.ofDays(3));
        assertThat(apply(policy(5, false, null))).isFalse();
        assertThat(apply(policy(4, true, NOW.plus(Duration.ofDays(9))))).isFalse();
        assertThat(row.policyVersion).isEqualTo(5);
        assertThat(row.enforcementDeadline).isEqualTo(NOW.plus(Duration.ofDays(3)));
        verify(metrics, org.mockito.Mockito.times(2)).stalePolicy();
        verify(triggers, never()).deletePending(any());
        verify(triggers, never()).replacePending(any(), any(), anyList(), any());
    }

    @Test
    void turningMfaOffDropsThePendingEvents() {
        row.policyVersion = 1;
        row.enabled = true;
        row.enforcementDeadline = NOW.plus(Duration.ofDays(3));
        assertThat(apply(policy(2, false, NOW.plus(Duration.ofDays(3))))).isFalse();
        verify(triggers).deletePending(ORG);
        verify(triggers, never()).replacePending(any(), any(), anyList(), any());
    }

    @Test
    void theSameEffectiveDeadlineKeepsTheSchedule() {
        Instant deadline = NOW.plus(Duration.ofDays(3));
        row.policyVersion = 1;
        row.enabled = true;
        row.enforcementDeadline = deadline;
        assertThat(apply(policy(2, true, deadline))).isFalse();
        assertThat(row.policyVersion).isEqualTo(2);
        verify(triggers, never()).deletePending(any());
        verify(triggers, never()).replacePending(any(), any(), anyList(), any());
    }
}
