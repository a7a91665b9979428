package dev.mfa.verification.bench;

import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.localstack.testing.TestTokens;
import dev.mfa.verification.TestStack;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARK, not a test (its name matches neither *Test nor *IT, so {@code mvn verify} skips it). Run:
 * <pre>
 * mvn -B -o -pl verification-service verify -Dit.test=ChallengeBenchmark -Dtest=none -Dit.argLine= \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.seconds=10 -Dbench.concurrency=16 -Dbench.rounds=2]
 * </pre>
 * {@code POST /challenges} through HTTP against the real database, closed loop, side by side in one run: the service's
 * one-statement opening ("after") and the former Hibernate Reactive transaction ({@link LegacyChallengeResource},
 * "before"), alternating phases so that a drifting machine load hits both. Every user has a TOTP factor and a
 * recovery code and opens fewer challenges than the hourly limit. Loopback only; the driver shares the JVM and the
 * cores with the service and PostgreSQL. Results go to the log and to target/benchmark-challenges.md.
 */
@QuarkusTest
class ChallengeBenchmark {

    private static final Logger LOG = Logger.getLogger(ChallengeBenchmark.class);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 5);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    /** Below mfa.verification.max-challenges-per-hour (30): no request is refused. */
    private static final int PER_USER = 25;

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(2))
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    record Result(String name, LoadLoop.Measured measured, double cpuSeconds) {
        String row() {
            return String.format(
                    "| %s | %.0f | %.1f | %.1f | %d | %.2f |",
                    name,
                    measured.ok() / measured.seconds(),
                    measured.percentileMillis(50),
                    measured.percentileMillis(99),
                    measured.errors(),
                    measured.ok() == 0 ? Double.NaN : cpuSeconds * 1000.0 / measured.ok()); // ms per challenge
        }
    }

    @Test
    void run() throws Exception {
        List<Result> results = new ArrayList<>();
        for (int round = 0; round <= ROUNDS; round++) {
            boolean warmUp = round == 0;
            int seconds = warmUp ? WARMUP_SECONDS : SECONDS;
            for (String path : List.of("bench/challenges-before", "api/v1/challenges")) {
                Result r = closedLoop(
                        (warmUp ? "warm-up " : "") + (path.startsWith("bench") ? "before" : "after") + ": " + path,
                        path,
                        seconds);
                LOG.info(r.row());
                if (!warmUp) {
                    results.add(r);
                }
            }
        }
        StringBuilder md = new StringBuilder()
                .append("Date: ")
                .append(Instant.now())
                .append(", concurrency ")
                .append(CONCURRENCY)
                .append(", ")
                .append(SECONDS)
                .append(" s per phase, ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores\n\n| phase | challenges/s | p50 ms | p99 ms | errors ")
                .append("| JVM CPU ms per challenge (driver included) |\n")
                .append("|---|---|---|---|---|---|\n");
        results.forEach(r -> md.append(r.row()).append('\n'));
        LOG.info("\n" + md);
        Files.writeString(Path.of("target/benchmark-challenges.md"), md, StandardCharsets.UTF_8);
    }

    private Result closedLoop(String name, String path, int seconds) throws Exception {
        // Enough fresh users for a rate far above what two cores reach; each opens at most PER_USER challenges.
        List<String> tokens = users(Math.max(200, seconds * 4000 / PER_USER));
        AtomicInteger next = new AtomicInteger();
        Supplier<HttpRequest> requests = () -> {
            int n = next.getAndIncrement();
            if (n >= tokens.size() * PER_USER) {
                throw new IllegalStateException("out of benchmark users");
            }
            return HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + tokens.get(n % tokens.size()))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
        };
        double cpuBefore = jvmCpuSeconds();
        LoadLoop.Measured measured = LoadLoop.drive(http, requests, status -> status == 201, CONCURRENCY, seconds, 0);
        return new Result(name, measured, jvmCpuSeconds() - cpuBefore);
    }

    /** Users with a TOTP factor and an unused recovery code, written straight to the database; their tokens. */
    private static List<String> users(int count) throws Exception {
        List<String> tokens = new ArrayList<>(count);
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement factor = c.prepareStatement("insert into factor (factor_id, user_id, org_id, "
                        + "method, secret_enc, enrolled_at) values (?, ?, 'acme', 'TOTP', 'sealed', ?)");
                PreparedStatement code = c.prepareStatement("insert into recovery_code (user_id, recovery_code_id, "
                        + "org_id, code_hash, issued_at) values (?, ?, 'acme', 's256:bench', ?)")) {
            for (int i = 0; i < count; i++) {
                String user = "bench-challenge-" + UUID.randomUUID();
                factor.setObject(1, UUID.randomUUID());
                factor.setString(2, user);
                factor.setTimestamp(3, now);
                factor.addBatch();
                code.setString(1, user);
                code.setObject(2, UUID.randomUUID());
                code.setTimestamp(3, now);
                code.addBatch();
                tokens.add(TestTokens.user(user, "acme"));
            }
            factor.executeBatch();
            code.executeBatch();
        }
        return tokens;
    }

    private static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }
}
