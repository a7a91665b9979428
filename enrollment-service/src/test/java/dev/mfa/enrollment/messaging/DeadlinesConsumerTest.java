package dev.mfa.enrollment.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.enrollment.domain.Campaigns;
import dev.mfa.enrollment.domain.Campaigns.Campaign;
import dev.mfa.enrollment.service.CampaignMailer;
import dev.mfa.enrollment.service.PolicyService;
import dev.mfa.enrollment.service.RequirementService;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** The enforcement switch and the deadline e-mails as the consumer drives them, against mocked services. */
class DeadlinesConsumerTest {

    private static final Instant DEADLINE = Instant.parse("2026-12-18T10:00:00Z");
    private static final EventCodec CODEC = new EventCodec();

    private final InMemoryProcessedEvents processed = new InMemoryProcessedEvents();
    private final PolicyService policies = mock(PolicyService.class);
    private final RequirementService requirements = mock(RequirementService.class);
    private final CampaignMailer mailer = mock(CampaignMailer.class);
    private final Campaign required = Campaigns.required(new Events.DeadlineReached("acme", DEADLINE));
    private final Campaign reminder = Campaigns.of("acme", EmailTemplates.DEADLINE_APPROACHING, DEADLINE, 7);
    private DeadlinesConsumer consumer;

    @BeforeEach
    void setUp() {
        consumer = new DeadlinesConsumer(CODEC, processed, policies, requirements, mailer);
        when(requirements.reconcile(anyString(), anyString()))
                .thenReturn(Uni.createFrom().nullItem());
        when(mailer.fanOut(any())).thenReturn(Uni.createFrom().item(new CampaignMailer.Result(2, 0)));
        when(mailer.openRequired(any())).thenReturn(Uni.createFrom().item(required));
        when(mailer.openReminder(any())).thenReturn(Uni.createFrom().item(reminder));
    }

    static String payload(UUID id, EventData data) {
        return CODEC.encode(CODEC.wrap(id, "/test", data, DEADLINE.minus(Duration.ofDays(1))));
    }

    private void consume(String payload) {
        consumer.consume(payload).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void anEnforcedDeadlineSwitchesTheOrgThenMailsTheRequiredCampaignAfterTheTransaction() {
        when(policies.deadlineReached(any())).thenReturn(Uni.createFrom().item(true));
        UUID id = UUID.randomUUID();

        consume(payload(id, new Events.DeadlineReached("acme", DEADLINE)));

        InOrder order = inOrder(policies, mailer, requirements);
        order.verify(policies).deadlineReached(new Events.DeadlineReached("acme", DEADLINE));
        order.verify(mailer).openRequired(new Events.DeadlineReached("acme", DEADLINE));
        order.verify(requirements).reconcile("acme", DeadlinesConsumer.REASON);
        order.verify(mailer).fanOut(required);
        assertThat(processed.committed).containsExactly(id);
    }

    @Test
    void aDeadlineThePolicyNoLongerHoldsSwitchesNobodyAndMailsNobody() {
        when(policies.deadlineReached(any())).thenReturn(Uni.createFrom().item(false));

        consume(payload(UUID.randomUUID(), new Events.DeadlineReached("acme", DEADLINE)));

        verify(mailer, never()).openRequired(any());
        verify(mailer, never()).fanOut(any());
        verifyNoInteractions(requirements);
    }

    @Test
    void aRedeliveredDeadlineHasNoSecondSwitchAndNoSecondMail() {
        when(policies.deadlineReached(any())).thenReturn(Uni.createFrom().item(true));
        String payload = payload(UUID.randomUUID(), new Events.DeadlineReached("acme", DEADLINE));

        consume(payload);
        consume(payload);

        verify(policies).deadlineReached(any());
        verify(requirements).reconcile("acme", DeadlinesConsumer.REASON);
        verify(mailer).fanOut(required);
    }

    @Test
    void anApproachingDeadlineMailsTheReminderItOpenedAndSwitchesNobody() {
        consume(payload(UUID.randomUUID(), new Events.DeadlineApproaching("acme", DEADLINE, 7)));

        verify(mailer).openReminder(new Events.DeadlineApproaching("acme", DEADLINE, 7));
        verify(mailer).fanOut(reminder);
        verifyNoInteractions(requirements, policies);
    }

    @Test
    void aReminderNotOpenedNowIsNotMailed() {
        when(mailer.openReminder(any())).thenReturn(Uni.createFrom().nullItem());

        consume(payload(UUID.randomUUID(), new Events.DeadlineApproaching("acme", DEADLINE, 14)));

        verify(mailer, never()).fanOut(any());
    }

    @Test
    void aDeadlineEventWithoutItsOrgIsRejectedForTheDeadLetterTopicAndChangesNothing() {
        UUID reached = UUID.randomUUID();
        UUID approaching = UUID.randomUUID();

        assertThatThrownBy(() -> consume(payload(reached, new Events.DeadlineReached(" ", DEADLINE))))
                .isInstanceOf(EventCodec.EventFormatException.class);
        assertThatThrownBy(() -> consume(payload(approaching, new Events.DeadlineApproaching("acme", null, 7))))
                .isInstanceOf(EventCodec.EventFormatException.class);
        assertThatThrownBy(() -> consume("{not json")).isInstanceOf(EventCodec.EventFormatException.class);

        verifyNoInteractions(policies, requirements, mailer);
        assertThat(processed.committed).isEmpty();
    }
}
