package dev.mfa.verification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.mfa.localstack.testing.OutboxHistory;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wrong-typed or broken JSON (found by the system tests: 400 with an empty body) is a 400 problem that quotes nothing
 * of the request and changes nothing. Every body carries a code-like value that must not come back.
 */
@QuarkusTest
class BadInputIT extends VerificationTestBase {

    /** Looks like a TOTP code; it must appear in no answer. */
    private static final String SECRET = "314159";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"method\":[\"TOTP\"],\"code\":\"" + SECRET + "\"}",
                "[]",
                "42",
                "[1,2",
                "[\"" + SECRET + "\"",
                "{\"method\":\"TOTP\",\"code\":{\"value\":\"" + SECRET + "\"}}",
                "{\"method\":\"TOTP\",\"code\":[\"" + SECRET + "\"]}",
                "\"" + SECRET + "\"",
                "{\"method\":\"TOTP\",\"code\":\"" + SECRET + "\"",
                "{\"method\":{\"" + SECRET + "\":1}}",
                "{not json " + SECRET
            })
    void wrongTypedOrBrokenVerifyBodyIsA400ProblemThatChangesNothing(String body) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE)) {
            OutboxHistory.install(c); // the relay deletes what it sent: look at every row written
        }
        String user = newUser("bad-input");
        enrollTotp(user, null);
        String challengeId = openChallenge(user);

        Response response = given().auth()
                .oauth2(token(user))
                .contentType("application/json")
                .body(body)
                .post("/api/v1/challenges/{id}/verify", challengeId);

        response.then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                // Syntax errors (wrapped by Quarkus in a 400 WebApplicationException) and wrong types alike.
                .body("type", endsWith("malformed-request"))
                .body("detail", not(emptyOrNullString()));
        assertThat(response.asString()).doesNotContain(SECRET).doesNotContain("TOTP");
        assertThat(count("select consecutive_failures from user_state where user_id = ?", user))
                .isZero();
        assertThat(count(
                        "select count(*) from challenge where challenge_id = ?::uuid and completed_at is null",
                        challengeId))
                .isEqualTo(1);
        assertThat(count("select count(*) from " + OutboxHistory.TABLE + " where record_key = ?", user))
                .isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null"})
    void missingVerifyBodyIsA400Problem(String body) {
        String user = newUser("no-body");
        enrollTotp(user, null);
        String challengeId = openChallenge(user);
        given().auth()
                .oauth2(token(user))
                .contentType("application/json")
                .body(body)
                .post("/api/v1/challenges/{id}/verify", challengeId)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", not(emptyOrNullString()));
    }

    /** CONTRACT §4: these two take no body; a stray (even broken) JSON body is ignored, never an empty error. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"method\":[\"TOTP\"]}", "[]", "42", "[1,2"})
    void bodylessEndpointsIgnoreAStrayBody(String body) {
        String user = newUser("stray-body");
        enrollTotp(user, null);
        enrollSms(user, "+14155550123");
        String challengeId = given().auth()
                .oauth2(token(user))
                .contentType("application/json")
                .body(body)
                .post("/api/v1/challenges")
                .then()
                .statusCode(201)
                .extract()
                .path("challengeId");
        given().auth()
                .oauth2(token(user))
                .contentType("application/json")
                .body(body)
                .post("/api/v1/challenges/{id}/sms", challengeId)
                .then()
                .statusCode(202)
                .body("resendAvailableAt", not(emptyOrNullString()));
        // Too soon: the refusal is a problem, whatever the body.
        Response again = given().auth()
                .oauth2(token(user))
                .contentType("application/json")
                .body(body)
                .post("/api/v1/challenges/{id}/sms", challengeId);
        again.then().statusCode(429).contentType("application/problem+json").body("type", endsWith("resend-too-soon"));
        assertThat(again.asString()).doesNotContain("4155550123");
    }
}
