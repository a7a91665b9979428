package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/** TOTP at sign-in: ±1 step, each step once (also under concurrency), assertions and events. */
@QuarkusTest
class TotpIT extends VerificationTestBase {

    @Test
    void rightCodeVerifiesAndYieldsAnOtpAssertion() throws Exception {
        String user = newUser("totp-ok");
        TotpFactor factor = enrollTotp(user, null);
        String challengeId = openChallenge(user);

        String assertion = verify(user, challengeId, "TOTP", currentCode(factor))
                .then()
                .statusCode(200)
                .body("verified", equalTo(true))
                .body("recoveryCodeUsed", equalTo(false))
                .body("assertion", notNullValue())
                .extract()
                .path("assertion");

        JwtClaims claims = verifyAssertion(assertion);
        assertThat(claims.getSubject()).isEqualTo(user);
        assertThat(claims.getStringClaimValue("org")).isEqualTo(ORG);
        assertThat(claims.getStringListClaimValue("amr")).containsExactly("otp");
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue())
                .isEqualTo(600);
        assertThat(claims.getJwtId()).isNotBlank();

        List<CloudEvent> events = eventsOf(Topics.VERIFICATIONS, user, 1);
        assertThat(events).extracting(CloudEvent::type).containsExactly(EventTypes.VERIFICATION_SUCCEEDED);
        var data = codec.data(events.get(0), Events.VerificationSucceeded.class);
        assertThat(data.method()).isEqualTo("TOTP");
        assertThat(data.factorId()).isEqualTo(factor.factorId());
        assertThat(data.challengeId().toString()).isEqualTo(challengeId);

        String metrics = io.restassured.RestAssured.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .contains("mfa_verification_verifications_total{method=\"TOTP\",outcome=\"success\"")
                .contains("mfa_verification_latency_seconds_bucket")
                .contains("mfa_verification_throttled_total");
    }

    @Test
    void codesOfTheNeighbouringStepsAreAcceptedButNotFurther() {
        String user = newUser("totp-window");
        TotpFactor factor = enrollTotp(user, null);
        clock.freeze();
        long now = totp.currentStep();
        verify(user, openChallenge(user), "TOTP", totp.generateAt(factor.secret(), now - 2))
                .then()
                .statusCode(401);
        verify(user, openChallenge(user), "TOTP", totp.generateAt(factor.secret(), now + 2))
                .then()
                .statusCode(401);
        verify(user, openChallenge(user), "TOTP", totp.generateAt(factor.secret(), now - 1))
                .then()
                .statusCode(200);
        verify(user, openChallenge(user), "TOTP", totp.generateAt(factor.secret(), now + 1))
                .then()
                .statusCode(200);
    }

    @Test
    void wrongCodeIsA401ProblemWithAttemptsRemainingAndAFailedEvent() throws Exception {
        String user = newUser("totp-wrong");
        TotpFactor factor = enrollTotp(user, null);
        String challengeId = openChallenge(user);
        String wrong = currentCode(factor).equals("000000") ? "111111" : "000000";

        Response response = verify(user, challengeId, "TOTP", wrong);
        response.then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("verified", equalTo(false))
                .body("attemptsRemaining", equalTo(4))
                .body("type", endsWith("verification-failed"))
                .body("status", equalTo(401));
        assertThat(response.asString()).doesNotContain(wrong);
        assertThat(count(
                        "select count(*) from challenge where challenge_id = ?::uuid and completed_at is null",
                        challengeId))
                .isEqualTo(1);

        List<CloudEvent> events = eventsOf(Topics.VERIFICATIONS, user, 1);
        assertThat(events).extracting(CloudEvent::type).containsExactly(EventTypes.VERIFICATION_FAILED);
        assertThat(codec.encode(events.get(0))).doesNotContain(wrong);
        assertThat(codec.data(events.get(0), Events.VerificationFailed.class).consecutiveFailures())
                .isEqualTo(1);

        // The same challenge still accepts the right code.
        verify(user, challengeId, "TOTP", currentCode(factor)).then().statusCode(200);
    }

    @Test
    void expiredChallengeIsGoneAndEvaluatesNothing() throws Exception {
        String user = newUser("totp-expired");
        TotpFactor factor = enrollTotp(user, null);
        String challengeId = openChallenge(user);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        verify(user, challengeId, "TOTP", currentCode(factor))
                .then()
                .statusCode(410)
                .contentType("application/problem+json")
                .body("type", endsWith("challenge-expired"));
        assertThat(count(
                        "select count(*) from factor where factor_id = ? and last_used_step is null",
                        factor.factorId()))
                .isEqualTo(1);
    }

    @Test
    void aVerifiedChallengeCannotBeUsedAgain() {
        String user = newUser("totp-completed");
        TotpFactor factor = enrollTotp(user, null);
        clock.freeze();
        String challengeId = openChallenge(user);
        verify(user, challengeId, "TOTP", currentCode(factor)).then().statusCode(200);
        clock.advance(Duration.ofSeconds(30));
        verify(user, challengeId, "TOTP", currentCode(factor))
                .then()
                .statusCode(409)
                .body("type", endsWith("challenge-completed"));
    }

    @Test
    void theSameCodeIsAcceptedOnceSequentially() {
        String user = newUser("totp-replay");
        TotpFactor factor = enrollTotp(user, null);
        clock.freeze();
        String code = currentCode(factor);
        verify(user, openChallenge(user), "TOTP", code).then().statusCode(200);
        verify(user, openChallenge(user), "TOTP", code).then().statusCode(401).body("verified", equalTo(false));
        // An earlier step than the one accepted is refused too; the next step works.
        long step = totp.currentStep();
        verify(user, openChallenge(user), "TOTP", totp.generateAt(factor.secret(), step - 1))
                .then()
                .statusCode(401);
        verify(user, openChallenge(user), "TOTP", totp.generateAt(factor.secret(), step + 1))
                .then()
                .statusCode(200);
    }

    @Test
    void theSameCodeSubmittedInParallelPassesExactlyOnce() throws Exception {
        int parallel = 5; // at most 4 failures: below the throttle, so every loser is a plain 401
        for (int round = 0; round < 3; round++) {
            String user = newUser("totp-race");
            TotpFactor factor = enrollTotp(user, null);
            clock.freeze();
            String code = currentCode(factor);
            List<String> challenges = java.util.stream.IntStream.range(0, parallel)
                    .mapToObj(i -> openChallenge(user))
                    .toList();
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<Integer>> calls = challenges.stream()
                        .map(id -> CompletableFuture.supplyAsync(
                                () -> {
                                    await(start);
                                    return verify(user, id, "TOTP", code).statusCode();
                                },
                                pool))
                        .toList();
                start.countDown();
                List<Integer> statuses =
                        calls.stream().map(CompletableFuture::join).toList();
                assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
                assertThat(statuses).filteredOn(s -> s == 401).hasSize(parallel - 1);
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
                clock.reset();
            }
        }
    }

    @Test
    void theStepUsedAtEnrollmentCannotSignIn() {
        clock.freeze();
        long step = totp.currentStep();
        String user = newUser("totp-enrolled-step");
        TotpFactor factor = enrollTotp(user, step);
        verify(user, openChallenge(user), "TOTP", totp.generateAt(factor.secret(), step))
                .then()
                .statusCode(401);
        verify(user, openChallenge(user), "TOTP", totp.generateAt(factor.secret(), step + 1))
                .then()
                .statusCode(200);
    }

    @Test
    void aRemovedFactorNoLongerVerifies() throws Exception {
        String user = newUser("totp-removed");
        TotpFactor factor = enrollTotp(user, null);
        enrollSms(user, "+14155550123");
        String challengeId = openChallenge(user);
        publish(Topics.FACTORS, new Events.FactorRemoved(factor.factorId(), user, ORG, "user", clock.instant()));
        org.awaitility.Awaitility.await()
                .atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from factor where factor_id = ?", factor.factorId()) == 0);
        // This replica still holds the factor as the opening read it: the statement finds no such factor and the
        // locked path, which reads the factors again, decides.
        assertThat(openedHere.find(java.util.UUID.fromString(challengeId), user).totpFactors())
                .extracting(f -> f.factorId)
                .containsExactly(factor.factorId());
        verify(user, challengeId, "TOTP", currentCode(factor)).then().statusCode(401);
        assertThat(count("select consecutive_failures from user_state where user_id = ?", user))
                .isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
