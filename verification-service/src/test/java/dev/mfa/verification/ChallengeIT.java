package dev.mfa.verification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** POST /challenges: who needs a second step, with which methods. */
@QuarkusTest
class ChallengeIT extends VerificationTestBase {

    @Test
    void operationalEndpointsAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void userWithoutRequirementOrFactorNeedsNoSecondStep() throws Exception {
        String user = newUser("free");
        createChallenge(token(user)).then().statusCode(200).body("mfaRequired", equalTo(false));
        // Nothing is written for a user without factors, not even the state row.
        assertThat(count("select count(*) from user_state where user_id = ?", user))
                .isZero();
        assertThat(count("select count(*) from challenge where user_id = ?", user))
                .isZero();
    }

    @Test
    void optionalUserWithoutFactorNeedsNoSecondStep() {
        String user = newUser("optional");
        setRequirement(user, "OPTIONAL");
        createChallenge(token(user)).then().statusCode(200).body("mfaRequired", equalTo(false));
    }

    @Test
    void requiredUserWithoutFactorMustEnroll() throws Exception {
        String user = newUser("required");
        setRequirement(user, "REQUIRED");
        createChallenge(token(user))
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", endsWith("enrollment-required"))
                .body("status", equalTo(409));
        assertThat(count("select count(*) from challenge where user_id = ?", user))
                .isZero();
    }

    @Test
    void payUserWithoutFactorMustEnrollEvenBeforeTheRequirementArrives() {
        given().auth()
                .oauth2(TestTokens.payee(newUser("payee"), ORG))
                .post("/api/v1/challenges")
                .then()
                .statusCode(409)
                .body("type", endsWith("enrollment-required"));
    }

    @Test
    void enrolledUserGetsEveryMethodWithMaskedPhoneAndFiveMinutes() throws Exception {
        String user = newUser("all");
        enrollTotp(user, null);
        enrollSms(user, "+14155550101");
        issueRecoveryCode(user);
        Instant before = clock.instant();
        var response = createChallenge(token(user))
                .then()
                .statusCode(201)
                .body("methods", contains("TOTP", "SMS", "RECOVERY_CODE"))
                .body("phoneMasked", equalTo("+1 ••• ••• ••01"))
                .extract();
        assertThat(UUID.fromString(response.path("challengeId"))).isNotNull();
        Instant expiresAt = Instant.parse(response.path("expiresAt"));
        assertThat(expiresAt)
                .isBetween(
                        before.plus(Duration.ofMinutes(5)).minusSeconds(1),
                        clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(response.body().asString()).doesNotContain("4155550101");
        assertThat(count(
                        "select count(*) from challenge where challenge_id = ?::uuid "
                                + "and methods = 'TOTP,SMS,RECOVERY_CODE'",
                        response.<String>path("challengeId")))
                .isEqualTo(1);
    }

    @Test
    void totpOnlyUserGetsTotpWithoutPhone() throws Exception {
        String user = newUser("totp-only");
        enrollTotp(user, null);
        String challengeId = createChallenge(token(user))
                .then()
                .statusCode(201)
                .body("methods", contains("TOTP"))
                .body("phoneMasked", nullValue())
                .extract()
                .path("challengeId");
        // The state row verifications lock exists from the first challenge on.
        assertThat(count("select count(*) from user_state where user_id = ?", user))
                .isEqualTo(1);
        assertThat(count(
                        "select count(*) from challenge where challenge_id = ?::uuid and user_id = ? "
                                + "and methods = 'TOTP'",
                        challengeId,
                        user))
                .isEqualTo(1);
    }

    @Test
    void anotherUsersChallengeIsNotFound() {
        String owner = newUser("owner");
        enrollTotp(owner, null);
        String challengeId = openChallenge(owner);
        String intruder = newUser("intruder");
        verify(intruder, challengeId, "TOTP", "123456").then().statusCode(404).contentType("application/problem+json");
        sendSms(intruder, challengeId).then().statusCode(404).contentType("application/problem+json");
        verify(intruder, "not-a-uuid", "TOTP", "123456").then().statusCode(404);
        verify(intruder, UUID.randomUUID().toString(), "TOTP", "123456").then().statusCode(404);
    }

    @Test
    void callsWithoutTokenAreUnauthorized() {
        given().post("/api/v1/challenges").then().statusCode(401).contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.builder("x", ORG)
                        .signedWith("dev-assertion-private.pem")
                        .sign())
                .post("/api/v1/challenges")
                .then()
                .statusCode(401);
    }

    @Test
    void malformedVerifyRequestsAreProblemsAndChangeNothing() throws Exception {
        String user = newUser("malformed");
        enrollTotp(user, null);
        String challengeId = openChallenge(user);
        verify(user, challengeId, "PASSWORD", "123456")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("field", equalTo("method"));
        verify(user, challengeId, "TOTP", " ")
                .then()
                .statusCode(400)
                .body("type", endsWith("invalid-request"))
                .body("field", equalTo("code"));
        verify(user, challengeId, "SMS", "123456").then().statusCode(422).body("type", endsWith("method-not-offered"));
        given().auth()
                .oauth2(token(user))
                .contentType("application/json")
                .body("{not json")
                .post("/api/v1/challenges/{id}/verify", challengeId)
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        assertThat(count("select consecutive_failures from user_state where user_id = ?", user))
                .isZero();
    }
}
