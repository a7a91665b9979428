package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.repository.ChallengeOpeningRepository;
import dev.mfa.verification.repository.ChallengeOpeningRepository.Opening;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: POST /challenges is one statement on the bare pool; its hourly limit stays exact under parallel requests,
 * through one service and through two "replicas" (two pools of their own on the same database).
 */
@QuarkusTest
class ChallengeOpeningIT extends VerificationTestBase {

    private static final int LIMIT = 30; // mfa.verification.max-challenges-per-hour's default

    @Inject
    Vertx vertx;

    /** The service's own, on its pool. */
    @Inject
    ChallengeOpeningRepository repository;

    @Test
    void parallelRequestsOfOneUserOpenExactlyTheHourlyLimit() throws Exception {
        String user = newUser("parallel-challenges");
        enrollTotp(user, null);
        clock.freeze();
        int parallel = LIMIT + 10;
        ExecutorService threads = Executors.newFixedThreadPool(parallel);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            awaitQuietly(start);
                            return createChallenge(token(user));
                        },
                        threads));
            }
            start.countDown();
            List<Response> answers = calls.stream().map(CompletableFuture::join).toList();

            assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(LIMIT);
            List<Response> refused =
                    answers.stream().filter(r -> r.statusCode() == 429).toList();
            assertThat(refused).hasSize(parallel - LIMIT);
            // The clock stands still: the oldest challenge of the window leaves it in exactly one hour.
            assertThat(refused).allSatisfy(r -> {
                assertThat(r.header("Retry-After")).isEqualTo("3600");
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.body().asString()).contains("too-many-challenges");
            });
            assertThat(count("select count(*) from challenge where user_id = ?", user))
                    .isEqualTo(LIMIT);
            assertThat(count("select cardinality(challenge_window) from user_state where user_id = ?", user))
                    .isEqualTo(LIMIT);
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoReplicasOpeningInParallelForOneUserRespectTheLimitTogether() throws Exception {
        int limit = 5;
        int perReplica = 12;
        Pool one = pool();
        Pool two = pool();
        try {
            for (int round = 0; round < 3; round++) {
                String user = newUser("two-replicas");
                // No state row yet: the first openings also race to create it.
                factor(user, Factor.TOTP, Instant.parse("2026-01-01T00:00:00Z"));
                Instant now = Instant.parse("2026-12-05T10:00:00Z").plus(Duration.ofHours(round));
                List<Uni<Opening>> opens = new ArrayList<>();
                for (int i = 0; i < perReplica; i++) {
                    opens.add(open(new ChallengeOpeningRepository(one), user, now, limit));
                    opens.add(open(new ChallengeOpeningRepository(two), user, now, limit));
                }
                List<Opening> results =
                        Uni.join().all(opens).andFailFast().await().atMost(Duration.ofSeconds(30));

                assertThat(results).filteredOn(o -> o.challenge() != null).hasSize(limit);
                assertThat(results).filteredOn(o -> o.challenge() == null).hasSize(2 * perReplica - limit);
                // Every refusal saw the full window, so its Retry-After is the whole hour.
                assertThat(results)
                        .filteredOn(o -> o.challenge() == null)
                        .allSatisfy(o -> assertThat(o.window()).hasSize(limit).containsOnly(now));
                assertThat(count("select count(*) from challenge where user_id = ?", user))
                        .isEqualTo(limit);
                assertThat(count("select count(*) from user_state where user_id = ?", user))
                        .isEqualTo(1);
            }
        } finally {
            one.closeAndAwait();
            two.closeAndAwait();
        }
    }

    @Test
    void theWindowSlidesChallengeByChallenge() throws Exception {
        String user = newUser("sliding");
        factor(user, Factor.TOTP, Instant.parse("2026-01-01T00:00:00Z"));
        Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
        assertThat(openAt(repository, user, t0, 2).challenge()).isNotNull();
        assertThat(openAt(repository, user, t0.plusSeconds(600), 2).challenge()).isNotNull();
        Opening refused = openAt(repository, user, t0.plusSeconds(1200), 2);
        assertThat(refused.challenge()).isNull();
        assertThat(refused.window()).containsExactly(t0, t0.plusSeconds(600));
        // One hour after the first, the first has left the window (the bound is exclusive, as before).
        Opening reopened = openAt(repository, user, t0.plus(Duration.ofHours(1)), 2);
        assertThat(reopened.challenge()).isNotNull();
        assertThat(reopened.window()).containsExactly(t0.plusSeconds(600), t0.plus(Duration.ofHours(1)));
    }

    @Test
    void theOpeningReturnsTheTotpFactorsNewestFirstAndTheNewestPhone() throws Exception {
        String user = newUser("snapshots");
        Instant enrolled = Instant.parse("2026-01-01T00:00:00Z");
        UUID older = factor(user, Factor.TOTP, enrolled);
        factor(user, Factor.SMS, enrolled.plusSeconds(10));
        UUID newer = factor(user, Factor.TOTP, enrolled.plusSeconds(20));
        exec("update factor set last_used_step = 42, totp_digits = 8 where factor_id = ?", newer);

        Opening opening = openAt(repository, user, Instant.parse("2026-12-05T10:00:00Z"), 30);

        assertThat(opening.challenge().methods).isEqualTo("TOTP,SMS");
        assertThat(opening.phoneMasked()).isEqualTo("+1 ••• ••• ••10");
        assertThat(opening.totpFactors()).extracting(f -> f.factorId).containsExactly(newer, older);
        Factor first = opening.totpFactors().get(0);
        assertThat(first.secretEnc).isEqualTo("sealed-" + newer);
        assertThat(first.lastUsedStep).isEqualTo(42L);
        assertThat(first.totpDigits).isEqualTo(8);
        assertThat(first.totpPeriod).isEqualTo(30);
        assertThat(first.totpAlgorithm).isEqualTo("SHA1");
        assertThat(first.orgId).isEqualTo(ORG);
        assertThat(count("select count(*) from challenge where user_id = ? and methods = 'TOTP,SMS'", user))
                .isEqualTo(1);
    }

    @Test
    void withoutFactorsNothingIsWritten() throws Exception {
        String user = newUser("no-factors");

        Opening opening = openAt(repository, user, Instant.parse("2026-12-05T10:00:00Z"), 30);

        assertThat(opening.hasFactors()).isFalse();
        assertThat(opening.challenge()).isNull();
        assertThat(opening.requirement()).isNull();
        assertThat(count("select count(*) from user_state where user_id = ?", user))
                .isZero();
        assertThat(count("select count(*) from challenge where user_id = ?", user))
                .isZero();
    }

    private static Uni<Opening> open(ChallengeOpeningRepository repository, String user, Instant now, int limit) {
        return repository.open(
                user,
                ORG,
                UUID.randomUUID(),
                now,
                now.plus(Duration.ofMinutes(5)),
                now.minus(Duration.ofHours(1)),
                limit);
    }

    private static Opening openAt(ChallengeOpeningRepository repository, String user, Instant now, int limit) {
        return open(repository, user, now, limit).await().atMost(Duration.ofSeconds(30));
    }

    /** A pool of its own, as another replica of the service would have. */
    private Pool pool() {
        PgConnectOptions options = PgConnectOptions.fromUri(PostgresTestResource.reactiveUrl(TestStack.DATABASE))
                .setUser(PostgresTestResource.username())
                .setPassword(PostgresTestResource.password());
        return PgBuilder.pool()
                .connectingTo(options)
                .with(new PoolOptions().setMaxSize(8))
                .using(vertx)
                .build();
    }

    private static UUID factor(String user, String method, Instant enrolledAt) throws Exception {
        UUID id = UUID.randomUUID();
        exec(
                "insert into factor (factor_id, user_id, org_id, method, secret_enc, phone_masked, enrolled_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?)",
                id,
                user,
                ORG,
                method,
                Factor.TOTP.equals(method) ? "sealed-" + id : null,
                Factor.SMS.equals(method) ? "+1 ••• ••• ••10" : null,
                OffsetDateTime.ofInstant(enrolledAt, ZoneOffset.UTC));
        return id;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
