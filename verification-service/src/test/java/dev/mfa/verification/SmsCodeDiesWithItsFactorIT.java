package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 8: a sign-in code sent by SMS dies with the factor it was sent to (admin reset, phone change,
 * removal), instead of signing in until its challenge expires.
 */
@QuarkusTest
class SmsCodeDiesWithItsFactorIT extends VerificationTestBase {

    @Test
    void smsCodeSentBeforeAdminResetNoLongerSignsIn() throws Exception {
        smsCodeStopsWorkingAfterRemoval("admin-reset");
    }

    @Test
    void smsCodeSentBeforeAPhoneChangeNoLongerSignsIn() throws Exception {
        smsCodeStopsWorkingAfterRemoval("replaced");
    }

    private void smsCodeStopsWorkingAfterRemoval(String reason) throws Exception {
        String user = newUser("sms-dies");
        UUID factorId = enrollSms(user, "+14155550123");
        enrollTotp(user, null); // a factor remains, so the challenge itself stays valid
        String challengeId = openChallenge(user);
        sendSms(user, challengeId).then().statusCode(202);
        List<CloudEvent> requests = eventsOf(Topics.SMS_REQUESTS, user, 1);
        String code = smsCode(codec.data(requests.get(requests.size() - 1), Events.SmsRequested.class));

        publish(Topics.FACTORS, new Events.FactorRemoved(factorId, user, ORG, reason, Instant.now()));
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from factor where factor_id = ?", factorId) == 0);

        verify(user, challengeId, "SMS", code).then().statusCode(401).body("verified", equalTo(false));
        assertThat(count(
                        "select count(*) from challenge where challenge_id = ?::uuid and sms_code_hash is not null",
                        challengeId))
                .isZero();
    }
}
