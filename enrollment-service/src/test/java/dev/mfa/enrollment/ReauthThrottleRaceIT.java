package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.TestPasswords;
import dev.mfa.localstack.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 1: parallel wrong passwords must not each get a guess; successful checks are limited too. */
@QuarkusTest
class ReauthThrottleRaceIT {

    private static final String ORG = "reauth-race-org";
    private static final int PARALLEL = 50;

    @AfterEach
    void resetClock() {
        TestClock.get().reset();
    }

    @Test
    void fiftyParallelWrongPasswordsGetAtMostFiveEvaluationsTheRest429() throws Exception {
        String user = "rr-" + UUID.randomUUID();
        // A realistic hash cost keeps every check in flight long enough for the requests to overlap.
        TestPasswords.register(user, "the right one", 50_000);
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                String guess = "guess-" + i;
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            await(go);
                            return Api.user(user, ORG)
                                    .body(Map.of("password", guess))
                                    .post("/api/v1/me/reauth")
                                    .then()
                                    .extract()
                                    .statusCode();
                        },
                        pool));
            }
            go.countDown();
            List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
            long evaluated = statuses.stream().filter(s -> s == 401).count();
            long throttled = statuses.stream().filter(s -> s == 429).count();
            assertThat(evaluated).as("wrong passwords evaluated").isLessThanOrEqualTo(5);
            assertThat(evaluated + throttled)
                    .as("every answer is 401 or 429: " + statuses)
                    .isEqualTo(PARALLEL);
            assertThat(Db.count("select count(*) from reauth_failure where user_id = ?", user))
                    .isLessThanOrEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void successfulChecksAreRateLimitedToo() {
        String user = "rr-ok-" + UUID.randomUUID();
        TestPasswords.register(user, "mine");
        for (int i = 0; i < 10; i++) {
            Api.user(user, ORG)
                    .body(Map.of("password", "mine"))
                    .post("/api/v1/me/reauth")
                    .then()
                    .statusCode(200);
        }
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("password", "mine"))
                        .post("/api/v1/me/reauth")
                        .then(),
                429,
                "reauth-throttled");
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
