package dev.mfa.systemtests.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.localstack.testing.TestTokens;
import dev.mfa.systemtests.support.SystemTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the edge adds to a proxied call: the same {@code GET /api/v1/me/mfa} straight to enrollment-service (with the
 * access token) and through the edge (with the session cookie), interleaved, one at a time on kept-alive
 * connections. A measurement, only with {@code -Dweb.bench=true}; the figures go to
 * {@code target/system-tests/web-edge-overhead.md} (copied into docs/benchmarks/mfa-web.md by hand).
 */
@SystemTest
@EnabledIfSystemProperty(named = "web.bench", matches = "true")
@DisplayName("Web edge overhead (benchmark)")
class EdgeOverheadIT {

    private static final int WARMUP = 500;
    private static final int SAMPLES = 2000;

    @Test
    void proxiedCallOverheadP50UnderFiveMs() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(URI.create(Browser.BASE + "/login"))
                        .header("Content-Type", "application/json")
                        .header("X-Requested-With", "mfa-web")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"carol\",\"password\":\"carol-pw\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> challenge = http.send(
                HttpRequest.newBuilder(URI.create(Browser.BASE + "/api/v1/challenges"))
                        .header("Cookie", cookie)
                        .header("X-Requested-With", "mfa-web")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(challenge.body()).contains("\"mfaRequired\":false");

        String token = TestTokens.builder("carol", "acme").groups("user").sign();
        HttpRequest direct = HttpRequest.newBuilder(URI.create("http://localhost:8081/api/v1/me/mfa"))
                .header("Authorization", "Bearer " + token)
                .build();
        HttpRequest edge = HttpRequest.newBuilder(URI.create(Browser.BASE + "/api/v1/me/mfa"))
                .header("Cookie", cookie)
                .build();
        for (int i = 0; i < WARMUP; i++) {
            time(http, direct);
            time(http, edge);
        }
        long[] d = new long[SAMPLES];
        long[] e = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            d[i] = time(http, direct);
            e[i] = time(http, edge);
        }
        Arrays.sort(d);
        Arrays.sort(e);
        double p50d = d[SAMPLES / 2] / 1e6;
        double p50e = e[SAMPLES / 2] / 1e6;
        double p99d = d[SAMPLES * 99 / 100] / 1e6;
        double p99e = e[SAMPLES * 99 / 100] / 1e6;
        String report = String.format(
                java.util.Locale.ROOT,
                "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                Instant.now(),
                SAMPLES,
                p50d,
                p50e,
                p50e - p50d,
                p99d,
                p99e);
        Path out = Path.of(System.getProperty("mfa.system-tests.output", "target/system-tests"))
                .resolve("web-edge-overhead.md");
        Files.createDirectories(out.getParent());
        Files.writeString(
                out,
                "| when | samples | p50 direct ms | p50 via edge ms | p50 added ms | p99 direct ms "
                        + "| p99 via edge ms |\n|---|---|---|---|---|---|---|\n" + report,
                StandardCharsets.UTF_8);
        System.out.print(report);
        assertThat(p50e - p50d).as("p50 added by the edge (ms)").isLessThan(5.0);
    }

    private static long time(HttpClient http, HttpRequest request) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        long t = System.nanoTime() - t0;
        assertThat(r.statusCode()).isEqualTo(200);
        return t;
    }
}
