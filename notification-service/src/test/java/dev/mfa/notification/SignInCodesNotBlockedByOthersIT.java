package dev.mfa.notification;

import static dev.mfa.notification.SmsFixtures.event;
import static dev.mfa.notification.SmsFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 2, notification's side: enrollment SMS that other users start to a victim's number (or country)
 * never use up the caps that the victim's sign-in codes need (test config: 3 per number and hour, AU 2 per hour).
 */
@QuarkusTest
class SignInCodesNotBlockedByOthersIT extends SmsStubCase {

    @Test
    void enrollmentsByOthersToTheVictimsNumberDoNotBlockItsSignInCode() throws Exception {
        String victimNumber = SmsFixtures.usNumber();
        for (int i = 0; i < 3; i++) {
            assertThat(send("attacker-" + UUID.randomUUID(), "ENROLLMENT", "US", victimNumber))
                    .isEqualTo("SENT");
        }
        assertThat(send("victim", "SIGN_IN", "US", victimNumber)).isEqualTo("SENT");
    }

    @Test
    void enrollmentsByOthersInTheVictimsCountryDoNotBlockItsSignInCode() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertThat(send("attacker-" + UUID.randomUUID(), "ENROLLMENT", "AU", auNumber()))
                    .isEqualTo("SENT");
        }
        assertThat(send("victim-au", "SIGN_IN", "AU", auNumber())).isEqualTo("SENT");
    }

    @Test
    void oneUsersEnrollmentsToOneNumberAreStillCapped() throws Exception {
        String number = SmsFixtures.usNumber();
        String user = "enroller-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            assertThat(send(user, "ENROLLMENT", "US", number)).isEqualTo("SENT");
        }
        assertThat(send(user, "ENROLLMENT", "US", number)).isEqualTo("FAILED");
    }

    /** Publishes one request and waits for its outcome (SENT or FAILED). */
    private String send(String userId, String purpose, String country, String to) throws Exception {
        UUID id = UUID.randomUUID();
        SmsFixtures.publish(
                kafka,
                event(
                        id,
                        userId,
                        purpose,
                        country,
                        to,
                        SmsFixtures.code(),
                        Instant.now().plusSeconds(300)));
        await().atMost(WAIT).until(() -> {
            String s = state(id);
            return "SENT".equals(s) || "FAILED".equals(s) || "DELIVERED".equals(s);
        });
        String s = state(id);
        return "DELIVERED".equals(s) ? "SENT" : s;
    }

    private static String auNumber() {
        return "+614" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
    }
}
