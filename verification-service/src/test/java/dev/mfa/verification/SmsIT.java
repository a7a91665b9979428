package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SMS at sign-in: an encrypted request to notification-service, a doubling cooldown, five sends at most. */
@QuarkusTest
class SmsIT extends VerificationTestBase {

    private static final String PHONE = "+14155550199";

    @Test
    void sentCodeVerifiesOnceAndTravelsEncrypted() throws Exception {
        String user = newUser("sms");
        enrollSms(user, PHONE);
        clock.freeze();
        Instant now = clock.instant();
        String challengeId = openChallenge(user);

        sendSms(user, challengeId)
                .then()
                .statusCode(202)
                .body("resendAvailableAt", equalTo(now.plusSeconds(30).toString()));

        CloudEvent event = lastSmsRequest(user, 1);
        String raw = codec.encode(event);
        assertThat(raw).doesNotContain(PHONE).doesNotContain("4155550199");
        var request = codec.data(event, Events.SmsRequested.class);
        assertThat(request.purpose()).isEqualTo("SIGN_IN");
        assertThat(request.country()).isEqualTo("US");
        assertThat(keys.open(dev.mfa.core.crypto.SealedField.PHONE, request.userId(), request.to()))
                .isEqualTo(PHONE);
        String code = smsCode(request);
        assertThat(code).matches("\\d{6}");
        assertThat(raw).doesNotContain(code);
        assertThat(request.expiresAt()).isEqualTo(now.plus(Duration.ofMinutes(10)));
        assertThat(count(
                        "select count(*) from challenge where challenge_id = ?::uuid and sms_code_hash like 'h1:%'",
                        challengeId))
                .isEqualTo(1);

        String assertion = verify(user, challengeId, "SMS", code)
                .then()
                .statusCode(200)
                .body("recoveryCodeUsed", equalTo(false))
                .extract()
                .path("assertion");
        assertThat(verifyAssertion(assertion).getStringListClaimValue("amr")).containsExactly("sms");
    }

    @Test
    void aResendReplacesTheCodeAfterADoublingCooldownAndStopsAtFive() {
        String user = newUser("sms-resend");
        enrollSms(user, PHONE);
        clock.freeze();
        String challengeId = openChallenge(user);

        sendSms(user, challengeId).then().statusCode(202);
        String first = smsCode(codec.data(lastSmsRequest(user, 1), Events.SmsRequested.class));
        sendSms(user, challengeId)
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", "30")
                .body("retryAfterSeconds", equalTo(30))
                .body("type", endsWith("resend-too-soon"));

        clock.advance(Duration.ofSeconds(30));
        Instant now = clock.instant();
        sendSms(user, challengeId)
                .then()
                .statusCode(202)
                .body("resendAvailableAt", equalTo(now.plusSeconds(60).toString()));
        String second = smsCode(codec.data(lastSmsRequest(user, 2), Events.SmsRequested.class));
        clock.advance(Duration.ofSeconds(59));
        sendSms(user, challengeId).then().statusCode(429).header("Retry-After", "1");
        clock.advance(Duration.ofSeconds(1));
        sendSms(user, challengeId).then().statusCode(202); // 3rd, next after 120 s
        clock.advance(Duration.ofSeconds(120));
        sendSms(user, challengeId).then().statusCode(202); // 4th, next after 240 s
        // The challenge lives 5 minutes: the 5th send needs a challenge that is still open, so check the limit in SQL.
        assertThat(querySends(challengeId)).isEqualTo(4);

        String latest = smsCode(codec.data(lastSmsRequest(user, 4), Events.SmsRequested.class));
        if (!first.equals(latest)) {
            verify(user, challengeId, "SMS", first).then().statusCode(401);
        }
        if (!second.equals(latest)) {
            verify(user, challengeId, "SMS", second).then().statusCode(401);
        }
        verify(user, challengeId, "SMS", latest).then().statusCode(200);
    }

    @Test
    void anUndeliverableCodeFromNotificationServiceLiftsTheCooldown() throws Exception {
        String user = newUser("sms-failed");
        enrollSms(user, PHONE);
        clock.freeze();
        String challengeId = openChallenge(user);
        sendSms(user, challengeId).then().statusCode(202);
        var requestId =
                codec.data(lastSmsRequest(user, 1), Events.SmsRequested.class).requestId();

        // A failure of some other request (an older, replaced code) changes nothing.
        CloudEvent unrelated = publish(
                Topics.SMS_STATUS,
                new Events.SmsFailed(java.util.UUID.randomUUID(), user, "invalid_number", true, clock.instant()));
        org.awaitility.Awaitility.await()
                .atMost(PROJECTION_WAIT)
                .until(() -> count(
                                "select count(*) from processed_event where event_id = ?::uuid",
                                unrelated.id().toString())
                        > 0);
        sendSms(user, challengeId).then().statusCode(429).body("type", endsWith("resend-too-soon"));

        publish(Topics.SMS_STATUS, new Events.SmsFailed(requestId, user, "expired", false, clock.instant()));
        org.awaitility.Awaitility.await()
                .atMost(PROJECTION_WAIT)
                .until(() -> sendSms(user, challengeId).then().extract().statusCode() == 202);
        assertThat(querySends(challengeId)).isEqualTo(2);
    }

    @Test
    void noMoreThanFiveSendsPerChallenge() throws Exception {
        String user = newUser("sms-limit");
        enrollSms(user, PHONE);
        clock.freeze();
        String challengeId = openChallenge(user);
        for (int i = 0; i < 5; i++) {
            // Skip the cooldown by moving the next allowed send into the past.
            exec("update challenge set sms_next_send_at = null where challenge_id = ?::uuid", challengeId);
            sendSms(user, challengeId).then().statusCode(202);
        }
        exec("update challenge set sms_next_send_at = null where challenge_id = ?::uuid", challengeId);
        sendSms(user, challengeId).then().statusCode(429).body("type", endsWith("too-many-sends"));
        assertThat(querySends(challengeId)).isEqualTo(5);
    }

    @Test
    void anSmsCodeExpiresAndAWrongOneFails() {
        String user = newUser("sms-wrong");
        enrollSms(user, PHONE);
        clock.freeze();
        String challengeId = openChallenge(user);
        verify(user, challengeId, "SMS", "123456").then().statusCode(401); // nothing sent yet
        sendSms(user, challengeId).then().statusCode(202);
        String code = smsCode(codec.data(lastSmsRequest(user, 1), Events.SmsRequested.class));
        String wrong = code.equals("000000") ? "000001" : "000000";
        verify(user, challengeId, "SMS", wrong).then().statusCode(401).body("attemptsRemaining", equalTo(3));
        clock.advance(Duration.ofMinutes(5));
        verify(user, challengeId, "SMS", code).then().statusCode(410);
    }

    @Test
    void smsIsRefusedForAChallengeWithoutSms() {
        String user = newUser("sms-none");
        enrollTotp(user, null);
        sendSms(user, openChallenge(user)).then().statusCode(422).contentType("application/problem+json");
    }

    private CloudEvent lastSmsRequest(String userId, int atLeast) {
        List<CloudEvent> events = eventsOf(Topics.SMS_REQUESTS, userId, atLeast);
        assertThat(events).allMatch(e -> e.type().equals(EventTypes.SMS_REQUESTED));
        return events.get(events.size() - 1);
    }

    private static long querySends(String challengeId) {
        try {
            return count("select sms_sends from challenge where challenge_id = ?::uuid", challengeId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
