package dev.mfa.enrollment.bench;

import dev.mfa.enrollment.support.Admins;
import dev.mfa.enrollment.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Benchmark of the impact preview (NOT part of {@code mvn verify}; the name matches neither *Test nor *IT): seeds an
 * org of N users directly in the database (a third with a factor, 1 % Pay users, 1 % exempt), then times
 * {@code POST /orgs/{orgId}/mfa-policy/preview} over HTTP, a few times warm.
 *
 * <pre>
 * mvn -B -o verify -pl enrollment-service -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=ImpactPreviewBenchmark -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.sizes=100000
 * </pre>
 * Results are appended to {@code target/bench/impact-preview.md}.
 */
@QuarkusTest
class ImpactPreviewBenchmark {

    private static final int RUNS = 7;

    @Test
    void impactPreview() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String size : System.getProperty("bench.sizes", "100000").split(",")) {
            rows.add(run(Integer.parseInt(size.trim())));
        }
        Path out = Path.of("target/bench/impact-preview.md");
        Files.createDirectories(out.getParent());
        Files.writeString(
                out,
                String.join("\n", rows) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        rows.forEach(System.out::println);
    }

    private String run(int users) {
        String org = "pbench-" + users + "-" + UUID.randomUUID().toString().substring(0, 8);
        long seedStart = System.nanoTime();
        Db.update(
                "insert into org_user (user_id, org_id, email, pay, requirement, created_at, updated_at) "
                        + "select ? || '-' || lpad(g::text, 7, '0'), ?, 'u' || g || '@bench.test', "
                        + "case when g % 100 = 0 then 'payee' end, 'NOT_REQUIRED', now(), now() "
                        + "from generate_series(1, ?) g",
                org, org, users);
        Db.update(
                "insert into factor (factor_id, user_id, org_id, method, label, status, created_at) "
                        + "select gen_random_uuid(), ? || '-' || lpad(g::text, 7, '0'), ?, 'TOTP', 'Authenticator app', "
                        + "'ACTIVE', now() from generate_series(1, ?) g where g % 3 = 0",
                org, org, users);
        Db.update(
                "insert into mfa_exemption (user_id, org_id, until, reason, granted_by, granted_at) "
                        + "select ? || '-' || lpad(g::text, 7, '0'), ?, now() + interval '40 days', 'bench', 'admin', now() "
                        + "from generate_series(1, ?) g where g % 100 = 50",
                org, org, users);
        Db.update("analyze org_user");
        Db.update("analyze factor");
        Db.update("analyze mfa_exemption");
        long seedMs = (System.nanoTime() - seedStart) / 1_000_000;

        Instant deadline = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = Map.of("enabled", true, "enforcementDeadline", deadline.toString());
        long[] ms = new long[RUNS];
        int required = 0;
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            required = Admins.as("admin", org)
                    .body(body)
                    .post("/api/v1/orgs/" + org + "/mfa-policy/preview")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("requiredAtDeadline");
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        long[] warm = Arrays.copyOfRange(ms, 1, RUNS);
        Arrays.sort(warm);
        String row = String.format(
                "| %,d | first %d ms | warm median %d ms, max %d ms | requiredAtDeadline %,d |" + " seed %,d ms |",
                users, ms[0], warm[warm.length / 2], warm[warm.length - 1], required, seedMs);
        Db.update("delete from mfa_exemption where org_id = ?", org);
        Db.update("delete from factor where org_id = ?", org);
        Db.update("delete from org_user where org_id = ?", org);
        return row;
    }
}
