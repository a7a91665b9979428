package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.repository.VerificationRepository;
import dev.mfa.verification.service.AssertionSigner;
import dev.mfa.verification.service.OpenedChallenges;
import dev.mfa.verification.service.ThrottlePolicy;
import dev.mfa.verification.service.VerificationMetrics;
import dev.mfa.verification.service.VerificationService;
import dev.mfa.verification.service.VerificationService.Outcome;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attempts racing each other on two replicas: this service over HTTP, and a second {@link VerificationService} with a
 * {@link VerificationRepository} on its own connection pool to the same database (what another replica is). The clock
 * is frozen, so a wait once imposed lasts for the whole race and every expected answer is exact, whatever the order
 * the database serialises the attempts in (issue 16: the one-statement TOTP path keeps the locked path's guarantees).
 */
@QuarkusTest
class ConcurrentAttemptsIT extends VerificationTestBase {

    private static final int FREE = 5; // this module's test configuration: five free failures, then 1 s, 2 s, ...

    @Inject
    Vertx vertx;

    @Inject
    Outbox outbox;

    @Inject
    ThrottlePolicy throttle;

    @Inject
    AssertionSigner signer;

    @Inject
    CodeHasher smsHasher;

    @Inject
    Totp serviceTotp;

    @Inject
    VerificationMetrics metrics;

    @Inject
    Clock serviceClock;

    private Pool otherReplicaPool;
    private VerificationService otherReplica;

    @BeforeEach
    void otherReplica() {
        PgConnectOptions connect = PgConnectOptions.fromUri(PostgresTestResource.reactiveUrl(TestStack.DATABASE))
                .setUser(PostgresTestResource.username())
                .setPassword(PostgresTestResource.password());
        otherReplicaPool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(8))
                .connectingTo(connect)
                .using(vertx)
                .build();
        otherReplica = new VerificationService(
                new VerificationRepository(otherReplicaPool, outbox),
                throttle,
                signer,
                keys,
                smsHasher,
                recoveryHasher,
                serviceTotp,
                metrics,
                new OpenedChallenges(16, serviceClock), // opened none: each verify there reads the challenge first
                serviceClock);
    }

    @AfterEach
    void close() {
        otherReplicaPool.closeAndAwait();
        clock.reset();
    }

    @Test
    void theSameCodeOnTwoReplicasPassesExactlyOnce() throws Exception {
        int parallel = 4; // the losers' failures stay below the five free ones: each is a plain 401
        for (int round = 0; round < 3; round++) {
            String user = newUser("replicas-replay");
            TotpFactor factor = enrollTotp(user, null);
            clock.freeze();
            String code = currentCode(factor);
            List<Supplier<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                String challenge = openChallenge(user);
                calls.add(onReplica(i, user, challenge, code));
            }

            List<Integer> statuses = race(calls);

            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 401).hasSize(parallel - 1);
            assertThat(count("select count(*) from challenge where user_id = ? and completed_at is not null", user))
                    .isEqualTo(1);
            assertThat(count("select consecutive_failures from user_state where user_id = ?", user))
                    .isEqualTo(parallel - 1);
            clock.reset();
        }
    }

    @Test
    void parallelWrongCodesAtTheThrottleBoundaryAreCountedExactly() throws Exception {
        String user = newUser("replicas-wrong");
        TotpFactor factor = enrollTotp(user, null);
        clock.freeze();
        String challenge = openChallenge(user);
        String wrong = wrongCode(factor);
        List<Supplier<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < FREE + 3; i++) {
            calls.add(onReplica(i, user, challenge, wrong));
        }

        List<Integer> statuses = race(calls);

        // The fifth failure imposes a wait the frozen clock never ends: the three after it are throttled, uncounted.
        assertThat(statuses).filteredOn(s -> s == 401).hasSize(FREE);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(3);
        assertThat(count("select consecutive_failures from user_state where user_id = ?", user))
                .isEqualTo(FREE);
    }

    @Test
    void aRightCodeRacingWrongOnesAtTheBoundaryIsAcceptedOnlyFirstAndNeverSpentWhenThrottled() throws Exception {
        for (int round = 0; round < 3; round++) {
            String user = newUser("replicas-boundary");
            TotpFactor factor = enrollTotp(user, null);
            clock.freeze();
            // One challenge each: a success completes its challenge, and a wrong code must still count afterwards.
            List<String> challenges =
                    List.of(openChallenge(user), openChallenge(user), openChallenge(user), openChallenge(user));
            exec("update user_state set consecutive_failures = ? where user_id = ?", FREE - 1, user);
            String wrong = wrongCode(factor);
            List<Supplier<Integer>> calls = new ArrayList<>();
            calls.add(onReplica(round, user, challenges.get(0), currentCode(factor)));
            for (int i = 1; i <= 3; i++) {
                calls.add(onReplica(round + i, user, challenges.get(i), wrong));
            }

            List<Integer> statuses = race(calls);

            int right = statuses.get(0);
            List<Integer> wrongOnes = statuses.subList(1, statuses.size());
            long failures = count("select consecutive_failures from user_state where user_id = ?", user);
            long stepsTaken = count(
                    "select count(*) from factor where factor_id = ? and last_used_step is not null",
                    factor.factorId());
            if (right == 200) {
                // First of all: the failures were cleared, then each wrong code counted from zero.
                assertThat(wrongOnes).containsOnly(401);
                assertThat(failures).isEqualTo(3);
                assertThat(stepsTaken).isEqualTo(1);
            } else {
                // After the wrong code that used up the free failures: refused while waiting, and not spent.
                assertThat(right).isEqualTo(429);
                assertThat(wrongOnes).containsExactlyInAnyOrder(401, 429, 429);
                assertThat(failures).isEqualTo(FREE);
                assertThat(stepsTaken).isZero();
            }
            clock.reset();
        }
    }

    /** An attempt on this service (even {@code i}, over HTTP) or on the other replica (odd), as an HTTP status. */
    private Supplier<Integer> onReplica(int i, String user, String challenge, String code) {
        if (i % 2 == 0) {
            return () -> verify(user, challenge, "TOTP", code).statusCode();
        }
        Caller caller = new Caller(user, ORG, Set.of(Caller.GROUP_USER), null);
        return () -> {
            try {
                Outcome outcome = otherReplica
                        .verify(caller, UUID.fromString(challenge), Method.TOTP, code)
                        .await()
                        .indefinitely();
                if (outcome instanceof VerificationService.Verified) {
                    return 200;
                }
                if (outcome instanceof VerificationService.Rejected) {
                    return 401;
                }
                return outcome instanceof VerificationService.Throttled ? 429 : 423;
            } catch (ProblemException e) {
                return e.problem().status();
            }
        };
    }

    /** Runs the calls at once (released together) and returns their statuses in the calls' order. */
    private static List<Integer> race(List<Supplier<Integer>> calls) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Integer>> running = calls.stream()
                    .map(call -> CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    start.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    throw new IllegalStateException(e);
                                }
                                return call.get();
                            },
                            threads))
                    .toList();
            start.countDown();
            return running.stream().map(CompletableFuture::join).toList();
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
