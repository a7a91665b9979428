package dev.mfa.notification;

import static dev.mfa.notification.SmsFixtures.KEYS;
import static dev.mfa.notification.SmsFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.EventTypes;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a process killed mid-stream leaves behind, as the next process finds it: accepted requests still PENDING are
 * sent (none lost); a request whose provider call was in flight (SENDING, lease run out) is not sent again (none
 * twice) and is reported {@code outcome_unknown}; an expired PENDING request is never sent.
 */
@QuarkusTest
class RestartResumeIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeEach
    void reset() throws Exception {
        QueueRows.keepOutboxHistory();
        StubClient.reset();
    }

    @Test
    void pendingRowsLeftByACrashAreSentOnceAndInFlightOnesAreNotResent() throws Exception {
        UUID pending = UUID.randomUUID();
        UUID inFlight = UUID.randomUUID();
        UUID expired = UUID.randomUUID();
        String toPending = SmsFixtures.usNumber();
        String toInFlight = SmsFixtures.usNumber();
        String toExpired = SmsFixtures.usNumber();
        Instant now = Instant.now();
        insert(pending, toPending, "PENDING", now.plusSeconds(300), null);
        insert(inFlight, toInFlight, "SENDING", now.plusSeconds(300), now.minusSeconds(1));
        insert(expired, toExpired, "PENDING", now.minusSeconds(1), null);

        await().atMost(WAIT)
                .until(() -> "SENT".equals(state(pending))
                        && "FAILED".equals(state(inFlight))
                        && "FAILED".equals(state(expired)));
        assertThat(StubClient.messagesTo(toPending)).hasSize(1);
        assertThat(StubClient.messagesTo(toInFlight)).isEmpty();
        assertThat(StubClient.messagesTo(toExpired)).isEmpty();
        assertThat(SmsFixtures.row(inFlight).orElseThrow().get("failure_reason"))
                .isEqualTo("outcome_unknown");
        assertThat(SmsFixtures.row(expired).orElseThrow().get("failure_reason")).isEqualTo("expired");
        assertThat(SmsFixtures.statusEvents(pending))
                .extracting(Map.Entry::getKey)
                .containsExactly(EventTypes.SMS_SENT);
        assertThat(SmsFixtures.statusEvents(inFlight))
                .extracting(Map.Entry::getKey)
                .containsExactly(EventTypes.SMS_FAILED);
    }

    static void insert(UUID id, String to, String state, Instant expiresAt, Instant leaseUntil) throws Exception {
        Instant now = Instant.now();
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps =
                        c.prepareStatement("insert into sms_request (request_id, event_id, user_id, purpose, "
                                + "country, destination_hash, recipient, code, expires_at, requested_at, received_at, state, counted, "
                                + "attempts, next_attempt_at, lease_until, updated_at) values (?, ?, ?, 'SIGN_IN', 'US', ?, ?, ?, ?, ?, ?, ?, "
                                + "true, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, UUID.randomUUID());
            ps.setString(3, "user-restart");
            ps.setString(4, "h1:test-" + id);
            ps.setString(5, dev.mfa.notification.domain.SmsRequest.sealRecipient(KEYS, "user-restart", id, to));
            ps.setString(6, dev.mfa.notification.domain.SmsRequest.sealCode(KEYS, "user-restart", id, "135790"));
            ps.setTimestamp(7, Timestamp.from(expiresAt));
            ps.setTimestamp(8, Timestamp.from(now));
            ps.setTimestamp(9, Timestamp.from(now));
            ps.setString(10, state);
            ps.setInt(11, "SENDING".equals(state) ? 1 : 0);
            ps.setTimestamp(12, Timestamp.from(now));
            ps.setTimestamp(13, leaseUntil == null ? null : Timestamp.from(leaseUntil));
            ps.setTimestamp(14, Timestamp.from(now));
            ps.executeUpdate();
        }
    }
}
