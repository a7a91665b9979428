package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 7: a replay of old {@code mfa.factors} events (possible once their ids left the dedupe table)
 * must not revive a spent recovery code nor clear a lock imposed after the reset it replays.
 */
@QuarkusTest
class ProjectionMonotonicIT extends VerificationTestBase {

    @Test
    void replayedIssueDoesNotReviveAUsedRecoveryCode() throws Exception {
        String user = newUser("rc-replay");
        enrollTotp(user, null);
        Instant issuedAt = Instant.now().minus(Duration.ofDays(20));
        String code = new dev.mfa.core.recovery.RecoveryCodes().generate();
        UUID id = UUID.randomUUID();
        Events.RecoveryCodeIssued issued =
                new Events.RecoveryCodeIssued(id, user, ORG, recoveryHasher.hash(code), issuedAt);
        publish(Topics.FACTORS, issued);
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from recovery_code where recovery_code_id = ?", id) == 1);
        verify(user, openChallenge(user), "RECOVERY_CODE", code).then().statusCode(200);

        // The same event data again, under an id the dedupe table no longer knows.
        CloudEvent replay = publish(Topics.FACTORS, issued);
        awaitProcessed(replay);
        assertThat(count("select count(*) from recovery_code where recovery_code_id = ? and used_at is not null", id))
                .isEqualTo(1);
        // a spent code is not offered, so the attempt is refused before any code is looked at
        verify(user, openChallenge(user), "RECOVERY_CODE", code).then().statusCode(422);
    }

    @Test
    void replayedAdminResetOlderThanTheLockDoesNotClearIt() throws Exception {
        String user = newUser("reset-replay");
        enrollTotp(user, null);
        UUID oldFactor = enrollSms(user, "+14155550124");
        openChallenge(user); // creates the state row
        Instant lockedAt = Instant.now().minus(Duration.ofHours(1));
        exec(
                "update user_state set locked_at = ?, consecutive_failures = 100 where user_id = ?",
                java.sql.Timestamp.from(lockedAt),
                user);

        CloudEvent replay = publish(
                Topics.FACTORS,
                new Events.FactorRemoved(oldFactor, user, ORG, "admin-reset", lockedAt.minus(Duration.ofDays(10))));
        awaitProcessed(replay);
        assertThat(count("select count(*) from user_state where user_id = ? and locked_at is not null", user))
                .isEqualTo(1);

        // a reset made after the lock still clears it
        CloudEvent reset = publish(
                Topics.FACTORS, new Events.FactorRemoved(UUID.randomUUID(), user, ORG, "admin-reset", Instant.now()));
        awaitProcessed(reset);
        assertThat(count("select count(*) from user_state where user_id = ? and locked_at is null", user))
                .isEqualTo(1);
    }

    private static void awaitProcessed(CloudEvent event) {
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from processed_event where event_id = ?", event.id()) == 1);
    }
}
