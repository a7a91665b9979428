package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.notNullValue;

import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import dev.mfa.localstack.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
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

/**
 * Issue 15 finding 2, enrollment side: the per-user hourly SMS cap holds under parallel starts and counts resends;
 * the per-destination cap is counted per (requesting user, destination), so nobody can use up a victim's number.
 */
@QuarkusTest
class SmsCapsIT {

    private static final String ORG = "sms-caps-org";
    private static final String START = "/api/v1/me/mfa/sms";

    @AfterEach
    void resetClock() {
        TestClock.get().reset();
    }

    private static String number(int i) {
        return String.format("(201) 555-01%02d", i);
    }

    private static io.restassured.response.ValidatableResponse start(String user, String reauth, String number) {
        return Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .body(Map.of("countryCode", "US", "phoneNumber", number))
                .post(START)
                .then();
    }

    private static long sends(String user) {
        return Db.count("select coalesce(sum(sends), 0) from enrollment where user_id = ?", user);
    }

    @Test
    void parallelStartsCannotExceedTheHourlyCap() {
        String user = "caps-par-" + UUID.randomUUID();
        Db.user(user, ORG, null, "OPTIONAL");
        String reauth = Api.reauth(user, ORG);
        int parallel = 25;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                String number = number(i);
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                go.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException(e);
                            }
                            return start(user, reauth, number).extract().statusCode();
                        },
                        pool));
            }
            go.countDown();
            List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
            assertThat(statuses).as("201 or 429 only").allMatch(s -> s == 201 || s == 429);
            assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(10);
            assertThat(sends(user)).isEqualTo(10);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void resendsCountTowardTheHourlyCap() {
        String user = "caps-resend-" + UUID.randomUUID();
        Db.user(user, ORG, null, "OPTIONAL");
        String reauth = Api.reauth(user, ORG);
        String last = null;
        for (int i = 0; i < 10; i++) {
            last = start(user, reauth, number(i)).statusCode(201).extract().path("enrollmentId");
        }
        TestClock.get().advance(Duration.ofSeconds(31));
        Api.problem(
                        Api.user(user, ORG)
                                .post("/api/v1/me/mfa/enrollments/" + last + "/resend")
                                .then(),
                        429,
                        "too-many-sms")
                .header("Retry-After", notNullValue());
        assertThat(sends(user)).isEqualTo(10);
    }

    @Test
    void fiveCodesPerHourPerUserAndNumberButOtherUsersAreNotBlocked() {
        String user = "caps-dest-" + UUID.randomUUID();
        Db.user(user, ORG, null, "OPTIONAL");
        String reauth = Api.reauth(user, ORG);
        String victimNumber = number(99);
        for (int i = 0; i < 5; i++) {
            start(user, reauth, victimNumber).statusCode(201);
        }
        Api.problem(start(user, reauth, victimNumber), 429, "too-many-sms-to-number")
                .header("Retry-After", notNullValue());
        // The owner of the number (or anyone else) still gets codes to it.
        String owner = "caps-owner-" + UUID.randomUUID();
        Db.user(owner, ORG, null, "OPTIONAL");
        start(owner, Api.reauth(owner, ORG), victimNumber).statusCode(201);
        // The abuser may still use another number within the hourly cap.
        start(user, reauth, number(98)).statusCode(201);
    }
}
