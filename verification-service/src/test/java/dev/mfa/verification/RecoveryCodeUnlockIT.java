package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.recovery.RecoveryCodes;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 12 (lockout as a weapon): a locked user can still sign in with the recovery code, which lifts the
 * lock; its attempts stay throttled and counted (no guessing path), and a wrong one locks nobody twice.
 */
@QuarkusTest
class RecoveryCodeUnlockIT extends VerificationTestBase {

    /** The 15-minute wait and a second: the database keeps microseconds, the test clock nanoseconds. */
    private static final Duration WAIT_OVER = Duration.ofMinutes(15).plusSeconds(1);

    @Test
    void aLockedUserUnlocksWithTheRecoveryCode() throws Exception {
        String user = newUser("unlock");
        TotpFactor factor = enrollTotp(user, null);
        RecoveryCode code = issueRecoveryCode(user);
        clock.freeze();
        String challengeId = openChallenge(user);
        exec(
                "update user_state set consecutive_failures = 100, locked_at = ?::timestamptz, blocked_until = null "
                        + "where user_id = ?",
                clock.instant().toString(),
                user);

        // The other methods stay refused while locked.
        verify(user, challengeId, "TOTP", currentCode(factor))
                .then()
                .statusCode(429)
                .body("type", endsWith("user-locked"));
        verify(user, challengeId, "RECOVERY_CODE", code.code())
                .then()
                .statusCode(200)
                .body("verified", equalTo(true))
                .body("recoveryCodeUsed", equalTo(true));
        assertThat(count(
                        "select count(*) from user_state where user_id = ? and locked_at is null "
                                + "and consecutive_failures = 0 and blocked_until is null",
                        user))
                .isEqualTo(1);

        clock.advance(Duration.ofSeconds(31));
        verify(user, openChallenge(user), "TOTP", currentCode(factor)).then().statusCode(200);
    }

    @Test
    void recoveryCodeAttemptsOfALockedUserStayThrottledAndCounted() throws Exception {
        String user = newUser("unlock-guess");
        enrollTotp(user, null);
        RecoveryCode code = issueRecoveryCode(user);
        clock.freeze();
        String challengeId = openChallenge(user);
        exec(
                "update user_state set consecutive_failures = 100, locked_at = ?::timestamptz, "
                        + "blocked_until = ?::timestamptz where user_id = ?",
                clock.instant().toString(),
                clock.instant().plus(Duration.ofMinutes(15)).toString(),
                user);

        // Within the wait even the right code is not looked at.
        verify(user, challengeId, "RECOVERY_CODE", code.code())
                .then()
                .statusCode(429)
                .header("Retry-After", "900")
                .body("type", endsWith("verification-throttled"));
        clock.advance(WAIT_OVER);
        challengeId = openChallenge(user); // a challenge lives 5 minutes
        String wrong = new RecoveryCodes().generate();
        verify(user, challengeId, "RECOVERY_CODE", wrong)
                .then()
                .statusCode(401)
                .body("retryAfterSeconds", equalTo(900));
        assertThat(count(
                        "select count(*) from user_state where user_id = ? and locked_at is not null "
                                + "and consecutive_failures = 101",
                        user))
                .isEqualTo(1);
        verify(user, challengeId, "RECOVERY_CODE", code.code()).then().statusCode(429);
        // Still locked, and locked once: the wrong code's failure announced no second lock.
        assertThat(eventsOf(dev.mfa.core.events.Topics.VERIFICATIONS, user, 1))
                .extracting(CloudEvent::type)
                .containsExactly(EventTypes.VERIFICATION_FAILED);
        clock.advance(WAIT_OVER);
        verify(user, openChallenge(user), "RECOVERY_CODE", code.code()).then().statusCode(200);
        assertThat(count("select count(*) from user_state where user_id = ? and locked_at is null", user))
                .isEqualTo(1);
    }
}
