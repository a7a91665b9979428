package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Five free failures per user, then a doubling wait (15 min at most), a lock at 100, reset by success or admin. */
@QuarkusTest
class ThrottleIT extends VerificationTestBase {

    @Test
    void fiveFreeFailuresThenADoublingWaitThatNeverLooksAtTheCode() throws Exception {
        String user = newUser("throttle");
        TotpFactor factor = enrollTotp(user, null);
        clock.freeze();
        String challengeId = openChallenge(user);
        String wrong = wrongCode(factor);

        for (int i = 1; i <= 4; i++) {
            verify(user, challengeId, "TOTP", wrong).then().statusCode(401).body("attemptsRemaining", equalTo(5 - i));
        }
        // The fifth failure imposes the first wait (1 s).
        verify(user, challengeId, "TOTP", wrong)
                .then()
                .statusCode(401)
                .body("attemptsRemaining", equalTo(0))
                .body("retryAfterSeconds", equalTo(1));

        // While waiting, even the right code is refused, with the same answer as a wrong one, and not used up. The
        // challenge was opened here: each attempt is the one statement, which finds the wait under the user's lock.
        String right = currentCode(factor);
        long onePathBefore = openedHere.hits();
        var throttled = verify(user, challengeId, "TOTP", right)
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", "1")
                .body("retryAfterSeconds", equalTo(1))
                .body("type", endsWith("verification-throttled"))
                .extract()
                .asString();
        assertThat(verify(user, challengeId, "TOTP", wrong)
                        .then()
                        .statusCode(429)
                        .extract()
                        .asString())
                .isEqualTo(throttled);
        assertThat(openedHere.hits() - onePathBefore).isEqualTo(2);
        assertThat(count(
                        "select count(*) from factor where factor_id = ? and last_used_step is null",
                        factor.factorId()))
                .isEqualTo(1);
        assertThat(count("select consecutive_failures from user_state where user_id = ?", user))
                .isEqualTo(5);

        // Failures on another challenge count for the same user: the wait doubles.
        clock.advance(Duration.ofSeconds(1));
        String other = openChallenge(user);
        verify(user, other, "TOTP", wrong).then().statusCode(401).body("retryAfterSeconds", equalTo(2));
        verify(user, other, "TOTP", right).then().statusCode(429).header("Retry-After", "2");
        clock.advance(Duration.ofSeconds(2));
        verify(user, other, "TOTP", wrong).then().statusCode(401).body("retryAfterSeconds", equalTo(4));
        clock.advance(Duration.ofSeconds(4));

        // A success resets everything.
        verify(user, other, "TOTP", right).then().statusCode(200);
        assertThat(count("select consecutive_failures from user_state where user_id = ?", user))
                .isZero();
        clock.advance(Duration.ofSeconds(30));
        verify(user, openChallenge(user), "TOTP", wrong).then().statusCode(401).body("attemptsRemaining", equalTo(4));
    }

    @Test
    void theWaitIsCappedAtFifteenMinutes() throws Exception {
        String user = newUser("throttle-cap");
        TotpFactor factor = enrollTotp(user, null);
        clock.freeze();
        String challengeId = openChallenge(user);
        exec("update user_state set consecutive_failures = 40 where user_id = ?", user);
        verify(user, challengeId, "TOTP", wrongCode(factor))
                .then()
                .statusCode(401)
                .body("retryAfterSeconds", equalTo(900));
        verify(user, challengeId, "TOTP", wrongCode(factor))
                .then()
                .statusCode(429)
                .header("Retry-After", "900");
    }

    @Test
    void theHundredthFailureLocksUntilAnAdminReset() throws Exception {
        String user = newUser("lock");
        TotpFactor factor = enrollTotp(user, null);
        clock.freeze();
        String challengeId = openChallenge(user);
        exec("update user_state set consecutive_failures = 98 where user_id = ?", user);

        verify(user, challengeId, "TOTP", wrongCode(factor)).then().statusCode(401);
        clock.advance(Duration.ofMinutes(15));
        verify(user, openChallenge(user), "TOTP", wrongCode(factor)).then().statusCode(401);
        clock.advance(Duration.ofMinutes(15));
        // Locked: nothing is evaluated any more, however long the user waits.
        verify(user, openChallenge(user), "TOTP", currentCode(factor))
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", endsWith("user-locked"));
        assertThat(count("select count(*) from user_state where user_id = ? and locked_at is not null", user))
                .isEqualTo(1);

        List<CloudEvent> events = eventsOf(Topics.VERIFICATIONS, user, 3);
        assertThat(events)
                .extracting(CloudEvent::type)
                .containsExactly(
                        EventTypes.VERIFICATION_FAILED, EventTypes.VERIFICATION_FAILED, EventTypes.USER_LOCKED);
        assertThat(codec.data(events.get(2), Events.UserLocked.class).consecutiveFailures())
                .isEqualTo(100);

        // An admin reset (enrollment removes the factors with reason admin-reset) clears the lock.
        TotpFactor again = enrollTotp(user, null);
        publish(Topics.FACTORS, new Events.FactorRemoved(factor.factorId(), user, ORG, "admin-reset", clock.instant()));
        await().atMost(PROJECTION_WAIT)
                .until(() -> count(
                                "select count(*) from user_state where user_id = ? and locked_at is null and consecutive_failures = 0",
                                user)
                        == 1);
        verify(user, openChallenge(user), "TOTP", currentCode(again)).then().statusCode(200);
    }

    @Test
    void aRecoveryCodeRevokedByAnAdminAlsoClearsTheLock() throws Exception {
        String user = newUser("lock-rcode");
        enrollTotp(user, null);
        RecoveryCode code = issueRecoveryCode(user);
        exec("update user_state set consecutive_failures = 100, locked_at = now() where user_id = ?", user);
        exec(
                "insert into user_state (user_id, org_id, requirement, consecutive_failures, locked_at, updated_at) "
                        + "values (?, 'acme', 'NOT_REQUIRED', 100, now(), now()) on conflict do nothing",
                user);
        publish(Topics.FACTORS, new Events.RecoveryCodeRevoked(code.id(), user, ORG, "admin-reset", clock.instant()));
        await().atMost(PROJECTION_WAIT)
                .until(() ->
                        count("select count(*) from user_state where user_id = ? and locked_at is null", user) == 1);
    }
}
