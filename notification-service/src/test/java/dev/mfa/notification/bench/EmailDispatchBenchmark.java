package dev.mfa.notification.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EmailTemplates;
import dev.mfa.localstack.testing.MailServerTestResource;
import dev.mfa.notification.EmailFixtures;
import dev.mfa.notification.SmsFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The e-mail send rate to the local SMTP server (GreenMail) against the configured limit
 * ({@code mfa.notification.email.throughput}), for a burst of deadline reminders as enrollment's fan-out produces
 * them: N {@code mfa.email.requested} (distinct addresses, encrypted) published at once, then the mail server's
 * arrival times read back. Not part of {@code mvn verify} (no IT suffix). Run:
 *
 * <pre>
 * mvn -B -o -pl notification-service -am verify -Dit.test=EmailDispatchBenchmark -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *     -Dmfa.notification.email.throughput=10 -Dbench.mails=600
 * </pre>
 * (without {@code -Dmfa.notification.email.throughput} the test profile's 50/s applies). Results are appended to
 * {@code notification-service/target/bench/email-dispatch.md}.
 */
@QuarkusTest
class EmailDispatchBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void reminderBurstIsSentAtTheConfiguredRate() throws Exception {
        int n = Integer.getInteger("bench.mails", 600);
        double limit = ConfigProvider.getConfig().getValue("mfa.notification.email.throughput", Double.class);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Set<String> addresses = new HashSet<>();
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String to = "bench-" + run + "-" + i + "@example.test";
            addresses.add(to);
            events.add(EmailFixtures.event(
                    UUID.randomUUID(),
                    "bench-" + run + "-" + i,
                    EmailTemplates.DEADLINE_APPROACHING,
                    to,
                    Map.of("deadline", "2026-12-18", "daysLeft", "14")));
        }
        long published;
        try (KafkaCompanion kafka = SmsFixtures.kafka()) {
            long t = System.nanoTime();
            EmailFixtures.publish(kafka, events.toArray(CloudEvent[]::new));
            published = (System.nanoTime() - t) / 1_000_000;
        }
        Instant queued = Instant.now();

        // At the limit the run takes n / limit seconds; give it twice that plus a minute. Polling the mail server's
        // list every 2 s does not change the arrival times it records.
        List<Map<String, Object>> ours = new ArrayList<>();
        await().atMost(Duration.ofSeconds((long) (2 * n / limit) + 60))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    ours.clear();
                    mails().stream()
                            .filter(m -> addresses.contains((String) m.get("to")))
                            .forEach(ours::add);
                    return ours.stream().map(m -> m.get("to")).distinct().count() >= n;
                });
        List<Instant> arrivals = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (Map<String, Object> mail : ours) {
            arrivals.add(Instant.parse((String) mail.get("receivedAt")));
            if (!seen.add((String) mail.get("to"))) {
                duplicates++;
            }
        }
        arrivals.sort(null);
        double spanS = Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1))
                        .toMillis()
                / 1000.0;
        double rate = (arrivals.size() - 1) / spanS;
        int busiest = 0;
        for (int i = 0, j = 0; i < arrivals.size(); i++) {
            while (Duration.between(arrivals.get(j), arrivals.get(i)).toMillis() >= 1000) {
                j++;
            }
            busiest = Math.max(busiest, i - j + 1);
        }
        String row = String.format(
                "| %,d | %,d | %.0f/s | %.2f/s (%+.1f %%) over %.1f s | busiest 1-s window %d "
                        + "| duplicates %d | published in %,d ms, first mail %.1f s after |",
                n,
                seen.size(),
                limit,
                rate,
                100 * (rate - limit) / limit,
                spanS,
                busiest,
                duplicates,
                published,
                Duration.between(queued, arrivals.get(0)).toMillis() / 1000.0);
        Path out = Path.of("target/bench/email-dispatch.md");
        Files.createDirectories(out.getParent());
        Files.writeString(
                out, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(row);
    }

    private static List<Map<String, Object>> mails() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(MailServerTestResource.httpBaseUrl() + "/_stub/mails"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return JSON.readValue(r.body(), new TypeReference<>() {});
    }
}
