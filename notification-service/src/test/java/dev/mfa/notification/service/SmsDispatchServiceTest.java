package dev.mfa.notification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.RequestState;
import dev.mfa.notification.domain.SmsPurpose;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.repository.SmsClaim;
import dev.mfa.notification.repository.SmsRequestRepository;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The queue's state machine (shared by both channels in {@link QueueDispatch}) and the SMS delivery receipts, against
 * a mocked repository and outbox: provider answers, retries, expiry, the sweeper, and receipts.
 */
class SmsDispatchServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:15:00Z");
    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(60);

    private final SmsRequestRepository repository = mock(SmsRequestRepository.class);
    private final Outbox outbox = mock(Outbox.class);
    private final NotificationMetrics metrics = mock(NotificationMetrics.class);
    private SmsDispatchService service;
    private SmsRequest row;

    @BeforeEach
    void setUp() {
        NotificationConfig config = mock(NotificationConfig.class);
        NotificationConfig.Dispatch dispatch = mock(NotificationConfig.Dispatch.class);
        when(config.dispatch()).thenReturn(dispatch);
        when(dispatch.lease()).thenReturn(Duration.ofSeconds(30));
        when(dispatch.backoffBase()).thenReturn(BASE);
        when(dispatch.backoffMax()).thenReturn(MAX);
        when(outbox.publish(anyString(), any(EventData.class)))
                .thenReturn(Uni.createFrom().nullItem());
        service = new SmsDispatchService(repository, outbox, metrics, config, Clock.fixed(NOW, ZoneOffset.UTC));

        row = SmsRequest.received(UUID.randomUUID(), UUID.randomUUID(), "user-1", NOW, NOW);
        row.purpose = SmsPurpose.SIGN_IN;
        row.country = "US";
        row.expiresAt = NOW.plus(Duration.ofMinutes(5));
        row.recipient = "recipient-ciphertext";
        row.code = "code-ciphertext";
        row.queue();
        row.state = RequestState.SENDING;
        row.attempts = 3;
        row.leaseUntil = NOW.plusSeconds(30);
        when(repository.findLocked(row.requestId)).thenReturn(Uni.createFrom().item(row));
        when(repository.find(row.requestId)).thenReturn(Uni.createFrom().item(row));
    }

    private SmsClaim claim() {
        return new SmsClaim(
                row.requestId, row.userId, row.purpose, row.country, "x", "y", row.expiresAt, NOW, row.attempts);
    }

    private void record(ProviderResult result) {
        service.record(claim(), result).await().indefinitely();
    }

    private void receipt(UUID requestId, String messageId, String status, String errCode) {
        service.receipt(new SmsDispatchService.Receipt(requestId, messageId, status, errCode))
                .await()
                .indefinitely();
    }

    @Test
    void anAcceptedSendIsSentWithoutItsCiphertextsAndAnnounced() {
        record(ProviderResult.accepted("msg-1"));
        assertThat(row.state).isEqualTo(RequestState.SENT);
        assertThat(row.recipient).isNull();
        assertThat(row.code).isNull();
        assertThat(row.leaseUntil).isNull();
        assertThat(row.providerMessageId).isEqualTo("msg-1");
        verify(outbox).publish(Topics.SMS_STATUS, new Events.SmsSent(row.requestId, "user-1", "msg-1", "US", NOW));
    }

    @Test
    void aTemporaryFailureGoesBackToPendingAfterTheBackoffOfItsAttempt() {
        record(ProviderResult.temporary("throttled", "1"));
        assertThat(row.state).isEqualTo(RequestState.PENDING);
        assertThat(row.leaseUntil).isNull();
        assertThat(row.lastError).isEqualTo("throttled");
        // attempt 3: capped delay 4 s, of which half is fixed and half jitter.
        assertThat(row.nextAttemptAt).isBetween(NOW.plusSeconds(2), NOW.plusSeconds(4));
        assertThat(row.recipient).isNotNull();
        verify(metrics).retry("throttled");
        verify(outbox, never()).publish(anyString(), any(EventData.class));
    }

    @Test
    void aTemporaryFailureWhoseRetryWouldComeAfterExpiryFailsAsExpired() {
        row.expiresAt = NOW.plusSeconds(2); // the retry comes at 2 s at the earliest
        record(ProviderResult.temporary("timeout", "none"));
        assertThat(row.state).isEqualTo(RequestState.FAILED);
        assertThat(row.failureReason).isEqualTo("expired");
        verify(outbox).publish(Topics.SMS_STATUS, new Events.SmsFailed(row.requestId, "user-1", "expired", false, NOW));
    }

    @Test
    void aPermanentRefusalFailsAtOnceAsPermanent() {
        record(ProviderResult.permanent("invalid_number", "3"));
        assertThat(row.state).isEqualTo(RequestState.FAILED);
        assertThat(row.recipient).isNull();
        assertThat(row.code).isNull();
        verify(outbox)
                .publish(Topics.SMS_STATUS, new Events.SmsFailed(row.requestId, "user-1", "invalid_number", true, NOW));
    }

    @Test
    void anAnswerAfterTheSweeperGaveUpEmitsNothingButKeepsTheMessageId() {
        row.markFailed("outcome_unknown", NOW.minusSeconds(1));
        record(ProviderResult.accepted("msg-late"));
        assertThat(row.state).isEqualTo(RequestState.FAILED);
        assertThat(row.providerMessageId).isEqualTo("msg-late");
        verify(outbox, never()).publish(anyString(), any(EventData.class));
    }

    @Test
    void aClaimPastExpiryFailsWithoutACallAndOnlyWhileSending() {
        service.expireClaimed(claim()).await().indefinitely();
        assertThat(row.state).isEqualTo(RequestState.FAILED);
        assertThat(row.failureReason).isEqualTo("expired");
        service.expireClaimed(claim()).await().indefinitely(); // already FAILED: nothing more
        verify(outbox).publish(anyString(), any(EventData.class));
    }

    @Test
    void theSweeperFailsALostCallAsOutcomeUnknownAndSkipsFinishedRows() {
        SmsRequest finished = SmsRequest.received(UUID.randomUUID(), UUID.randomUUID(), "user-2", NOW, NOW);
        finished.state = RequestState.SENT;
        when(repository.find(finished.requestId)).thenReturn(Uni.createFrom().item(finished));
        when(repository.lockLostInFlight(NOW, 10))
                .thenReturn(Uni.createFrom().item(List.of(row.requestId, finished.requestId)));
        service.failLostInFlight(10).await().indefinitely();
        assertThat(row.state).isEqualTo(RequestState.FAILED);
        assertThat(row.failureReason).isEqualTo("outcome_unknown");
        assertThat(finished.state).isEqualTo(RequestState.SENT);
        verify(outbox)
                .publish(
                        Topics.SMS_STATUS,
                        new Events.SmsFailed(row.requestId, "user-1", "outcome_unknown", false, NOW));
    }

    @Test
    void aDeliveredReceiptOnASentMessageMakesItDelivered() {
        record(ProviderResult.accepted("msg-1"));
        receipt(row.requestId, "msg-1", "delivered", null);
        assertThat(row.state).isEqualTo(RequestState.DELIVERED);
        assertThat(row.deliveredAt).isEqualTo(NOW);
        verify(outbox).publish(Topics.SMS_STATUS, new Events.SmsDelivered(row.requestId, "user-1", "msg-1", NOW));
    }

    /** Only the receipt error codes that mean the number will never receive (e.g. 6) make the failure permanent. */
    @ParameterizedTest
    @CsvSource({"1, false", "6, true", ", false"})
    void aFailedReceiptIsPermanentOnlyForANumberThatWillNeverReceive(String errCode, boolean permanent) {
        row.state = RequestState.SENT;
        receipt(row.requestId, "msg-1", "failed", errCode);
        assertThat(row.state).isEqualTo(RequestState.FAILED);
        assertThat(row.failureReason).isEqualTo("delivery_failed");
        verify(outbox)
                .publish(
                        Topics.SMS_STATUS,
                        new Events.SmsFailed(row.requestId, "user-1", "delivery_failed", permanent, NOW));
    }

    @Test
    void aRejectedReceiptIsPermanent() {
        row.state = RequestState.SENT;
        receipt(row.requestId, "msg-1", "rejected", "1");
        verify(outbox)
                .publish(
                        Topics.SMS_STATUS,
                        new Events.SmsFailed(row.requestId, "user-1", "delivery_rejected", true, NOW));
    }

    @Test
    void aReceiptThatOvertakesTheSendIsParkedAndAppliedAfterTheSentEvent() {
        receipt(row.requestId, "msg-1", "delivered", null);
        assertThat(row.state).isEqualTo(RequestState.SENDING);
        assertThat(row.receiptStatus).isEqualTo("delivered");
        verify(outbox, never()).publish(anyString(), any(EventData.class));

        record(ProviderResult.accepted("msg-1"));
        assertThat(row.state).isEqualTo(RequestState.DELIVERED);
        var order = inOrder(outbox);
        order.verify(outbox)
                .publish(Topics.SMS_STATUS, new Events.SmsSent(row.requestId, "user-1", "msg-1", "US", NOW));
        order.verify(outbox).publish(Topics.SMS_STATUS, new Events.SmsDelivered(row.requestId, "user-1", "msg-1", NOW));
    }

    @Test
    void lateDuplicateAndIntermediateReceiptsChangeNothing() {
        row.state = RequestState.SENDING;
        receipt(row.requestId, "msg-1", "failed", "1");
        receipt(row.requestId, "msg-1", "buffered", null); // after the final one
        assertThat(row.receiptStatus).isEqualTo("failed");

        row.state = RequestState.DELIVERED;
        receipt(row.requestId, "msg-1", "failed", "1");
        assertThat(row.state).isEqualTo(RequestState.DELIVERED);
        verify(outbox, never()).publish(anyString(), any(EventData.class));
    }

    @Test
    void aReceiptWithoutAKnownClientRefIsMappedByTheProviderMessageId() {
        row.state = RequestState.SENT;
        row.providerMessageId = "msg-9";
        UUID unknown = UUID.randomUUID();
        when(repository.findLocked(unknown)).thenReturn(Uni.createFrom().nullItem());
        when(repository.findLockedByMessageId("msg-9"))
                .thenReturn(Uni.createFrom().item(row));
        receipt(unknown, "msg-9", "delivered", null);
        assertThat(row.state).isEqualTo(RequestState.DELIVERED);

        when(repository.findLockedByMessageId("msg-0"))
                .thenReturn(Uni.createFrom().nullItem());
        receipt(null, "msg-0", "delivered", null); // unknown message: acknowledged, ignored
        verify(outbox).publish(anyString(), any(EventData.class));
    }
}
