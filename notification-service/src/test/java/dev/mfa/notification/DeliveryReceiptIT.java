package dev.mfa.notification;

import static dev.mfa.notification.SmsFixtures.state;
import static dev.mfa.notification.SmsFixtures.statusEvents;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.mfa.core.events.EventTypes;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Vonage delivery receipts (no signature secret configured): form, JSON and query styles. */
@QuarkusTest
class DeliveryReceiptIT extends SmsStubCase {

    static final String PATH = "/webhooks/vonage/delivery-receipt";

    @Test
    void receiptsPostedByTheStubEndAsDelivered() throws Exception {
        StubClient.config("{\"receiptUrl\":\"http://localhost:" + io.restassured.RestAssured.port + PATH
                + "\",\"receiptStatus\":\"delivered\"}");
        UUID id = UUID.randomUUID();
        requestSignIn(id, "user-e2e", SmsFixtures.usNumber(), SmsFixtures.code(), 300);
        awaitState(id, "DELIVERED");
        assertThat(statusEvents(id))
                .extracting(Map.Entry::getKey)
                .containsExactly(EventTypes.SMS_SENT, EventTypes.SMS_DELIVERED);
    }

    /** Sends one SMS through the stub and returns [requestId, to, messageId]. */
    String[] sent() throws Exception {
        UUID id = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        requestSignIn(id, "user-dlr", to, SmsFixtures.code(), 300);
        await().atMost(WAIT).until(() -> "SENT".equals(state(id)) || "DELIVERED".equals(state(id)));
        String messageId = (String) SmsFixtures.row(id).orElseThrow().get("provider_message_id");
        return new String[] {id.toString(), to.substring(1), messageId};
    }

    @Test
    void formReceiptDeliveredPublishesDeliveredOnceEvenWhenRepeated() throws Exception {
        String[] s = sent();
        for (int i = 0; i < 2; i++) {
            given().contentType("application/x-www-form-urlencoded")
                    .formParam("msisdn", s[1])
                    .formParam("to", "MFA")
                    .formParam("network-code", "12345")
                    .formParam("messageId", s[2])
                    .formParam("price", "0.03")
                    .formParam("status", "delivered")
                    .formParam("scts", "2001011400")
                    .formParam("err-code", "0")
                    .formParam("message-timestamp", "2020-01-01 14:00:00")
                    .formParam("client-ref", s[0])
                    .when()
                    .post(PATH)
                    .then()
                    .statusCode(204);
        }
        UUID id = UUID.fromString(s[0]);
        assertThat(state(id)).isEqualTo("DELIVERED");
        var events = statusEvents(id);
        assertThat(events).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_SENT, EventTypes.SMS_DELIVERED);
        assertThat(events.get(1).getValue().get("providerMessageId").asText()).isEqualTo(s[2]);
    }

    @Test
    void jsonReceiptFailedPublishesFailedWithPermanentFlagFromTheErrorCode() throws Exception {
        String[] s = sent();
        given().contentType("application/json")
                .body(Map.of(
                        "msisdn",
                        s[1],
                        "to",
                        "MFA",
                        "messageId",
                        s[2],
                        "status",
                        "failed",
                        "err-code",
                        "6",
                        "client-ref",
                        s[0],
                        "message-timestamp",
                        "2020-01-01 14:00:00"))
                .when()
                .post(PATH)
                .then()
                .statusCode(204);
        UUID id = UUID.fromString(s[0]);
        assertThat(state(id)).isEqualTo("FAILED");
        var events = statusEvents(id);
        assertThat(events).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_SENT, EventTypes.SMS_FAILED);
        assertThat(events.get(1).getValue().get("reason").asText()).isEqualTo("delivery_failed");
        assertThat(events.get(1).getValue().get("permanent").asBoolean()).isTrue();
    }

    @Test
    void queryStyleReceiptMapsByMessageIdAndIntermediateStatusesPublishNothing() throws Exception {
        String[] s = sent();
        given().queryParam("msisdn", s[1])
                .queryParam("messageId", s[2])
                .queryParam("status", "buffered")
                .when()
                .get(PATH)
                .then()
                .statusCode(204);
        UUID id = UUID.fromString(s[0]);
        assertThat(state(id)).isEqualTo("SENT");
        given().queryParam("msisdn", s[1])
                .queryParam("messageId", s[2])
                .queryParam("status", "expired")
                .queryParam("err-code", "1")
                .when()
                .post(PATH)
                .then()
                .statusCode(204);
        assertThat(state(id)).isEqualTo("FAILED");
        var events = statusEvents(id);
        assertThat(events).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_SENT, EventTypes.SMS_FAILED);
        assertThat(events.get(1).getValue().get("reason").asText()).isEqualTo("delivery_expired");
        assertThat(events.get(1).getValue().get("permanent").asBoolean()).isFalse();
    }

    @Test
    void unknownMessageIsAcknowledgedAndChangesNothing() {
        given().contentType("application/x-www-form-urlencoded")
                .formParam("messageId", "no-such-message")
                .formParam("status", "delivered")
                .formParam("client-ref", UUID.randomUUID().toString())
                .when()
                .post(PATH)
                .then()
                .statusCode(204);
    }

    @Test
    void malformedReceiptsAnswerProblems() {
        given().contentType("application/json")
                .body("{\"status\":")
                .when()
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
        given().contentType("application/json")
                .body(Map.of("messageId", "x", "status", "teleported"))
                .when()
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", startsWith("https://"));
        given().contentType("application/json")
                .body(Map.of("status", "delivered"))
                .when()
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }
}
