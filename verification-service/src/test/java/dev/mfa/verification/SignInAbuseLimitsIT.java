package dev.mfa.verification;

import static org.hamcrest.Matchers.endsWith;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 2, verification's side: challenges per user and hour are limited, and every SMS send — resends
 * included — counts toward a per-user hourly cap across challenges (5 sends per challenge alone would allow any
 * number per hour by opening new challenges).
 */
@QuarkusTest
class SignInAbuseLimitsIT extends VerificationTestBase {

    @Test
    void challengeCreationIsLimitedPerUserAndHour() {
        String user = newUser("many-challenges");
        enrollTotp(user, null);
        clock.freeze();
        for (int i = 0; i < 30; i++) {
            createChallenge(token(user)).then().statusCode(201);
        }
        createChallenge(token(user))
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", endsWith("too-many-challenges"))
                .header("Retry-After", "3600");
        createChallenge(token(newUser("someone-else"))).then().statusCode(200);
        clock.advance(Duration.ofHours(1));
        createChallenge(token(user)).then().statusCode(201);
    }

    @Test
    void resendsCountTowardAnHourlySmsCapAcrossChallenges() {
        String user = newUser("many-sms");
        enrollSms(user, "+14155550125");
        clock.freeze();
        sendFour(openChallenge(user));
        sendFour(openChallenge(user));
        String third = openChallenge(user);
        sendSms(user, third).then().statusCode(202);
        clock.advance(Duration.ofSeconds(30));
        sendSms(user, third).then().statusCode(202); // the 10th code this hour
        clock.advance(Duration.ofSeconds(60));
        sendSms(user, third)
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", endsWith("too-many-sms"));
        clock.advance(Duration.ofHours(1));
        sendSms(user, openChallenge(user)).then().statusCode(202);
    }

    private void sendFour(String challengeId) {
        sendSms(challengeUser(challengeId), challengeId).then().statusCode(202);
        clock.advance(Duration.ofSeconds(30));
        sendSms(challengeUser(challengeId), challengeId).then().statusCode(202);
        clock.advance(Duration.ofSeconds(60));
        sendSms(challengeUser(challengeId), challengeId).then().statusCode(202);
        clock.advance(Duration.ofSeconds(120));
        sendSms(challengeUser(challengeId), challengeId).then().statusCode(202);
    }

    private static String challengeUser(String challengeId) {
        try (var c = dev.mfa.localstack.testing.PostgresTestResource.connect(TestStack.DATABASE);
                var ps = c.prepareStatement("select user_id from challenge where challenge_id = ?::uuid")) {
            ps.setString(1, challengeId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
