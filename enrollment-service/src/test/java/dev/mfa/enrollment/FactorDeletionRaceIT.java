package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Factors;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 9: two parallel deletions of a REQUIRED user's two factors must leave one factor. */
@QuarkusTest
class FactorDeletionRaceIT {

    private static final String ORG = "delete-race-org";
    private static final int USERS = 12;

    private final ExecutorService pool = Executors.newFixedThreadPool(2 * USERS);

    @AfterEach
    void shutdown() {
        pool.shutdownNow();
    }

    @Test
    void twoParallelDeletionsNeverLeaveARequiredUserWithoutAFactor() {
        CountDownLatch go = new CountDownLatch(1);
        List<String> users = new ArrayList<>();
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String user = "del-" + UUID.randomUUID();
            users.add(user);
            Db.user(user, ORG, null, "REQUIRED");
            UUID first = Factors.insert(user, ORG);
            UUID second = Factors.insert(user, ORG);
            String reauth = Api.reauth(user, ORG);
            for (UUID factor : List.of(first, second)) {
                String assertion = Api.assertion(user, ORG);
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                go.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException(e);
                            }
                            return Api.user(user, ORG)
                                    .header("X-Reauth-Token", reauth)
                                    .header("X-MFA-Assertion", assertion)
                                    .delete("/api/v1/me/mfa/factors/" + factor)
                                    .then()
                                    .extract()
                                    .statusCode();
                        },
                        pool));
            }
        }
        go.countDown();
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
        for (String user : users) {
            assertThat(Factors.active(user)).as("factors left to " + user).isEqualTo(1);
        }
        assertThat(statuses.stream().filter(s -> s == 204).count())
                .as(statuses.toString())
                .isEqualTo(USERS);
        assertThat(statuses.stream().filter(s -> s == 409).count())
                .as(statuses.toString())
                .isEqualTo(USERS);
    }
}
