package dev.mfa.enrollment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.TestPasswords;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** POST /me/reauth: password check through the file verifier, throttling kept in the database, tokens. */
@QuarkusTest
class ReauthIT {

    private static final String ORG = "reauth-org";

    @AfterEach
    void resetClock() {
        TestClock.get().reset();
    }

    @Test
    void rightPasswordGivesAFiveMinuteTokenStoredOnlyAsAHash() {
        String user = "ra-" + UUID.randomUUID();
        TestPasswords.register(user, "correct horse");
        var body = Api.user(user, ORG)
                .body(Map.of("password", "correct horse"))
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(200)
                .body("reauthToken", notNullValue())
                .extract();
        String token = body.path("reauthToken");
        Instant expiresAt = Instant.parse(body.path("expiresAt"));
        assertThat(Duration.between(TestClock.get().instant(), expiresAt))
                .isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
        assertThat(Db.count("select count(*) from reauth_token where user_id = ?", user))
                .isEqualTo(1);
        assertThat(Db.count("select count(*) from reauth_token where token_hash = ?", token))
                .isZero();
    }

    @Test
    void productionCostHashIsCheckedOffTheEventLoop() {
        String user = "ra-slow-" + UUID.randomUUID();
        TestPasswords.register(user, "slow but sure", 210_000);
        Api.user(user, ORG)
                .body(Map.of("password", "slow but sure"))
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(200);
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("password", "wrong"))
                        .post("/api/v1/me/reauth")
                        .then(),
                401,
                "wrong-password");
    }

    @Test
    void fiveWrongPasswordsIn15MinutesThrottleEvenTheRightOne() {
        String user = "ra-thr-" + UUID.randomUUID();
        TestPasswords.register(user, "right");
        for (int i = 0; i < 5; i++) {
            Api.problem(
                    Api.user(user, ORG)
                            .body(Map.of("password", "wrong-" + i))
                            .post("/api/v1/me/reauth")
                            .then(),
                    401,
                    "wrong-password");
        }
        var throttled = Api.problem(
                        Api.user(user, ORG)
                                .body(Map.of("password", "right"))
                                .post("/api/v1/me/reauth")
                                .then(),
                        429,
                        "reauth-throttled")
                .header("Retry-After", notNullValue())
                .extract();
        long retryAfter = Long.parseLong(throttled.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 15 * 60L + 1);
        assertThat(throttled.<Integer>path("retryAfterSeconds")).isEqualTo((int) retryAfter);
        assertThat(Db.count("select count(*) from reauth_token where user_id = ?", user))
                .isZero();

        TestClock.get().advance(Duration.ofMinutes(15).plusSeconds(1));
        Api.user(user, ORG)
                .body(Map.of("password", "right"))
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(200);
        assertThat(Db.count("select count(*) from reauth_failure where user_id = ?", user))
                .isZero();
    }

    @Test
    void unknownUserWrongBodyAndNoTokenAreRefused() {
        String user = "ra-unknown-" + UUID.randomUUID();
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("password", "whatever"))
                        .post("/api/v1/me/reauth")
                        .then(),
                401,
                "wrong-password");
        Api.problem(Api.user(user, ORG).body(Map.of()).post("/api/v1/me/reauth").then(), 400, "invalid-request")
                .body("field", equalTo("password"));
        Api.problem(
                        Api.user(user, ORG)
                                .body(Map.of("password", "x".repeat(2000)))
                                .post("/api/v1/me/reauth")
                                .then(),
                        400,
                        "invalid-request")
                .body("field", equalTo("password"));
        Api.user(user, ORG)
                .body("{\"password\":")
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(400)
                .contentType(Api.PROBLEM_JSON);
        Api.problem(Api.user(user, ORG).post("/api/v1/me/reauth").then(), 400, "invalid-request");
        Api.problem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("password", "x"))
                        .post("/api/v1/me/reauth")
                        .then(),
                401,
                "unauthorized");
        Api.problem(
                Api.as(TestTokens.builder(user, ORG)
                                .signedWith(TestTokens.ASSERTION_PRIVATE_KEY)
                                .sign())
                        .body(Map.of("password", "x"))
                        .post("/api/v1/me/reauth")
                        .then(),
                401,
                "unauthorized");
        // An oversized body is refused before it is read.
        given().auth()
                .oauth2(TestTokens.user(user, ORG))
                .contentType(ContentType.JSON)
                .body("{\"password\":\"" + "x".repeat(40_000) + "\"}")
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(413);
        assertThat(Db.count("select count(*) from reauth_failure where user_id = ?", user))
                .isEqualTo(1);
    }
}
