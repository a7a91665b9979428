package dev.mfa.notification;

import static dev.mfa.notification.SmsFixtures.event;
import static dev.mfa.notification.SmsFixtures.publish;
import static dev.mfa.notification.SmsFixtures.state;
import static dev.mfa.notification.SmsFixtures.statusEvents;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.TopicSnapshot;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The real SDK against the stub over HTTP: success, each failure class, expiry, dedupe, refusals, DLQ. */
@QuarkusTest
class SmsSendingIT extends SmsStubCase {

    @Test
    void readyWhenDatabaseAndKafkaAreUp() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void sendsOneTextPerRequestAndPublishesSentWithVonageMessageId() throws Exception {
        UUID requestId = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        String code = SmsFixtures.code();
        requestSignIn(requestId, "user-ok", to, code, 300);

        awaitState(requestId, "SENT");
        List<Map<String, Object>> received = StubClient.messagesTo(to);
        assertThat(received).hasSize(1);
        String text = (String) received.get(0).get("text");
        assertThat(text)
                .contains(code)
                .contains("MFA Platform")
                .contains("5 min")
                .contains("Never share this code");
        assertThat(text.length()).isLessThanOrEqualTo(160);
        assertThat(received.get(0).get("from")).isEqualTo("MFA");
        assertThat(received.get(0).get("clientRef")).isEqualTo(requestId.toString());

        var row = SmsFixtures.row(requestId).orElseThrow();
        assertThat(row.get("recipient")).isNull();
        assertThat(row.get("code")).isNull();
        assertThat(row.get("provider_message_id")).isEqualTo(received.get(0).get("messageId"));

        // mfa.sms.sent reaches the broker with Vonage's message id and no number or code.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            var sent = TopicSnapshot.read(Topics.SMS_STATUS).stream()
                    .filter(r -> r.value().contains(requestId.toString()))
                    .toList();
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0).key()).isEqualTo("user-ok");
            assertThat(sent.get(0).value()).doesNotContain(code).doesNotContain(to.substring(1));
            CloudEvent e = SmsFixtures.CODEC.decode(sent.get(0).value());
            assertThat(e.type()).isEqualTo(EventTypes.SMS_SENT);
            assertThat(e.data().get("providerMessageId").asText())
                    .isEqualTo(received.get(0).get("messageId"));
            assertThat(e.data().get("country").asText()).isEqualTo("US");
        });
    }

    @Test
    void enrollmentTextUsesItsOwnTemplate() throws Exception {
        UUID requestId = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        publish(
                kafka,
                event(
                        requestId,
                        "user-enroll",
                        "ENROLLMENT",
                        "US",
                        to,
                        "123456",
                        Instant.now().plusSeconds(600)));
        awaitState(requestId, "SENT");
        assertThat((String) StubClient.messagesTo(to).get(0).get("text"))
                .startsWith("MFA Platform: 123456 is your code to set up text message verification")
                .contains("10 min");
    }

    @Test
    void redeliveredEventAndRepeatedRequestIdSendOnlyOnce() throws Exception {
        UUID requestId = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        CloudEvent first = event(
                requestId,
                "user-dup",
                "SIGN_IN",
                "US",
                to,
                "222333",
                Instant.now().plusSeconds(300));
        // The same record twice (redelivery), then a new event id carrying the same request id (producer retry).
        CloudEvent again = event(
                requestId,
                "user-dup",
                "SIGN_IN",
                "US",
                to,
                "222333",
                Instant.now().plusSeconds(300));
        publish(kafka, first, first, again);

        await().atMost(WAIT)
                .until(() -> "SENT".equals(state(requestId)) && SmsFixtures.processedCount(again.id()) == 1);
        SmsFixtures.barrier(kafka); // a wrongly queued second send would have had its turn
        assertThat(StubClient.messagesTo(to)).hasSize(1);
        assertThat(SmsFixtures.processedCount(first.id())).isEqualTo(1);
        assertThat(statusEvents(requestId)).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_SENT);
    }

    @Test
    void temporaryFailuresAreRetriedUntilAccepted() throws Exception {
        // throttled, internal error, communication failure, HTTP 503, then a slow 503 that times out the client.
        StubClient.script("[{\"status\":\"1\"},{\"status\":\"5\"},{\"status\":\"13\"},{\"httpStatus\":503},"
                + "{\"httpStatus\":503,\"delayMillis\":3000}]");
        UUID requestId = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        requestSignIn(requestId, "user-retry", to, "424242", 120);

        awaitState(requestId, "SENT");
        assertThat(StubClient.messagesTo(to)).hasSize(1);
        assertThat(SmsFixtures.row(requestId).orElseThrow().get("attempts")).isEqualTo(6);
        assertThat(statusEvents(requestId)).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_SENT);
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .contains("mfa_notification_retries_total{reason=\"throttled\"}")
                .contains("reason=\"timeout\"")
                .contains("reason=\"provider_unavailable\"")
                .contains("mfa_notification_provider_latency_seconds");
    }

    @Test
    void permanentFailureEndsAsFailedWithoutRetry() throws Exception {
        StubClient.script("[{\"status\":\"29\"}]");
        UUID requestId = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        requestSignIn(requestId, "user-perm", to, "777888", 120);

        awaitState(requestId, "FAILED");
        var row = SmsFixtures.row(requestId).orElseThrow();
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("failure_reason")).isEqualTo("non_whitelisted_destination");
        assertThat(row.get("recipient")).isNull();
        assertThat(StubClient.messagesTo(to)).isEmpty();
        var events = statusEvents(requestId);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getKey()).isEqualTo(EventTypes.SMS_FAILED);
        assertThat(events.get(0).getValue().get("reason").asText()).isEqualTo("non_whitelisted_destination");
        assertThat(events.get(0).getValue().get("permanent").asBoolean()).isTrue();
    }

    @Test
    void invalidNumberAndBarredNumberArePermanent() throws Exception {
        StubClient.script("[{\"status\":\"6\"},{\"status\":\"7\"}]");
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        requestSignIn(a, "user-p1", SmsFixtures.usNumber(), "111111", 120);
        awaitState(a, "FAILED");
        requestSignIn(b, "user-p2", SmsFixtures.usNumber(), "111111", 120);
        awaitState(b, "FAILED");
        assertThat(SmsFixtures.row(a).orElseThrow().get("failure_reason")).isEqualTo("invalid_number");
        assertThat(SmsFixtures.row(b).orElseThrow().get("failure_reason")).isEqualTo("number_barred");
    }

    @Test
    void temporaryFailuresUntilExpiryEndAsExpiredAndNothingIsSentAfterwards() throws Exception {
        StubClient.script("[{\"status\":\"5\",\"times\":500}]");
        UUID requestId = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        requestSignIn(requestId, "user-exp", to, "999000", 2);

        awaitState(requestId, "FAILED");
        var row = SmsFixtures.row(requestId).orElseThrow();
        assertThat(row.get("failure_reason")).isEqualTo("expired");
        assertThat((int) row.get("attempts")).isGreaterThan(1);
        StubClient.reset();
        SmsFixtures.barrier(kafka); // a send after the expiry would have had its turn
        assertThat(StubClient.messagesTo(to)).isEmpty();
        var events = statusEvents(requestId);
        assertThat(events).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_FAILED);
        assertThat(events.get(0).getValue().get("permanent").asBoolean()).isFalse();
    }

    @Test
    void alreadyExpiredRequestIsNeverSent() throws Exception {
        UUID requestId = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        requestSignIn(requestId, "user-late", to, "123123", -1);
        awaitState(requestId, "FAILED");
        assertThat(SmsFixtures.row(requestId).orElseThrow().get("failure_reason"))
                .isEqualTo("expired");
        assertThat(StubClient.messagesTo(to)).isEmpty();
    }

    @Test
    void countryOutsideTheAllowListOrNumberOutsideTheCountryIsRefused() throws Exception {
        UUID other = UUID.randomUUID();
        UUID mismatch = UUID.randomUUID();
        publish(
                kafka,
                event(
                        other,
                        "user-za",
                        "SIGN_IN",
                        "ZA",
                        "+27821234567",
                        "123123",
                        Instant.now().plusSeconds(60)),
                event(
                        mismatch,
                        "user-mm",
                        "SIGN_IN",
                        "US",
                        "+882100000001",
                        "123123",
                        Instant.now().plusSeconds(60)));
        await().atMost(WAIT).until(() -> "FAILED".equals(state(other)) && "FAILED".equals(state(mismatch)));
        for (UUID id : List.of(other, mismatch)) {
            List<Map.Entry<String, JsonNode>> events = statusEvents(id);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getValue().get("reason").asText()).isEqualTo("country_not_allowed");
            assertThat(events.get(0).getValue().get("permanent").asBoolean()).isTrue();
        }
        assertThat(StubClient.messagesTo("+27821234567")).isEmpty();
        assertThat(StubClient.messagesTo("+882100000001")).isEmpty();
    }

    @Test
    void unprocessableRecordGoesToTheDeadLetterTopic() throws Exception {
        UUID requestId = UUID.randomUUID();
        CloudEvent bad = SmsFixtures.CODEC.wrap(
                "/test",
                new dev.mfa.core.events.Events.SmsRequested(
                        requestId,
                        "user-bad",
                        "SIGN_IN",
                        "US",
                        "v1:local-dev:notbase64!!",
                        "v1:local-dev:also-bad",
                        Instant.now().plusSeconds(60)),
                Instant.now());
        kafka.produceStrings()
                .fromRecords(new ProducerRecord<>(Topics.SMS_REQUESTS, "user-bad", SmsFixtures.CODEC.encode(bad)))
                .awaitCompletion();
        await().atMost(WAIT).untilAsserted(() -> {
            var dlq = TopicSnapshot.read(Topics.dlq(Topics.SMS_REQUESTS)).stream()
                    .filter(r -> r.value().contains(bad.id().toString()))
                    .toList();
            assertThat(dlq).hasSize(1);
        });
        assertThat(SmsFixtures.row(requestId)).isEmpty();
        assertThat(SmsFixtures.processedCount(bad.id())).isZero();
    }
}
