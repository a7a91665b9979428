package dev.mfa.notification.bench;

import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.notification.SmsFixtures;
import dev.mfa.notification.StubClient;
import dev.mfa.notification.TestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Not part of {@code mvn verify} (no IT suffix). Run:
 * <pre>mvn -B -o -pl notification-service verify -Dit.test=SmsDispatchBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.only=latency,drain,outage] [-Dbench.stub=in-process]</pre>
 * Results are printed and written to {@code notification-service/target/benchmark-results.md}.
 * <ul>
 * <li>drain: 10,000 requests queued at once, drained at the configured 30 msg/s against a stub that throttles above
 * 30 msg/s; rate measured from the stub's arrival times; every throttled call is listed with the arrival times of
 * the calls before it and the stub's own pauses;</li>
 * <li>latency: one request at a time, from the moment it is produced to the broker until the stub receives the SMS;</li>
 * <li>outage: the stub answers HTTP 503 for 30 s while requests keep coming; afterwards every request is sent once,
 * and none whose code expired during the outage is sent.</li>
 * </ul>
 */
@QuarkusTest
@TestProfile(BenchmarkProfile.class)
class SmsDispatchBenchmark {

    static final int DRAIN = Integer.getInteger("bench.drain", 10_000);
    static final int LATENCY_SAMPLES = Integer.getInteger("bench.latency", 300);
    static final double RATE = 30.0;
    private final List<String> report = Collections.synchronizedList(new ArrayList<>());
    private KafkaCompanion kafka;

    @BeforeEach
    void setUp() {
        kafka = SmsFixtures.kafka();
        StubClient.reset();
        StubClient.resetConfig();
        StubClient.clearMessages();
    }

    @AfterEach
    void tearDown() throws IOException {
        StubClient.resetConfig();
        kafka.close();
        Path out = Path.of("target/benchmark-results.md");
        Files.writeString(
                out,
                String.join("\n", report) + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void all() throws Exception {
        String only = System.getProperty("bench.only", "latency,drain,outage");
        if (only.contains("latency")) {
            latency();
        }
        if (only.contains("drain")) {
            drain();
        }
        if (only.contains("outage")) {
            outage();
        }
    }

    void latency() throws Exception {
        StubClient.config("{\"throttlePerSecond\":30,\"throttleBurst\":5}");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        List<Long> micros = new ArrayList<>();
        List<Long> toIntake = new ArrayList<>();
        List<Long> intakeToStub = new ArrayList<>();
        // One long-lived producer (as a service has): t0 is the record's CreateTime, taken by send().
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < LATENCY_SAMPLES + 20; i++) {
                String to = "+1555" + String.format("%07d", 2_000_000 + i);
                UUID requestId = UUID.randomUUID();
                CloudEvent e = SmsFixtures.event(
                        requestId,
                        "bench-lat",
                        "SIGN_IN",
                        "US",
                        to,
                        "123456",
                        Instant.now().plusSeconds(300));
                RecordMetadata sent = producer.send(
                                new ProducerRecord<>(Topics.SMS_REQUESTS, e.subject(), SmsFixtures.CODEC.encode(e)))
                        .get();
                Instant produced = Instant.ofEpochMilli(sent.timestamp());
                // The first request also waits for the consumer group to form on a fresh broker.
                await().atMost(Duration.ofSeconds(i == 0 ? 120 : 30))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> !StubClient.messagesTo(to).isEmpty());
                Instant received =
                        Instant.parse((String) StubClient.messagesTo(to).get(0).get("receivedAt"));
                if (i >= 20) { // warm-up
                    micros.add(Duration.between(produced, received).toNanos() / 1000);
                    // Where the time goes: broker → intake (Kafka delivery) and intake → stub (queue, claim, call).
                    Instant intake = receivedAt(requestId);
                    toIntake.add(Duration.between(produced, intake).toNanos() / 1000);
                    intakeToStub.add(Duration.between(intake, received).toNanos() / 1000);
                }
                Thread.sleep(100);
            }
        }
        Collections.sort(micros);
        Collections.sort(toIntake);
        Collections.sort(intakeToStub);
        report.add(String.format(
                "latency broker→stub (%d sequential requests, 100 ms apart, after 20 warm-up): "
                        + "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; of which broker→intake p50 %.1f, "
                        + "p99 %.1f ms and intake→stub p50 %.1f, p99 %.1f ms",
                micros.size(),
                pct(micros, 50),
                pct(micros, 90),
                pct(micros, 99),
                micros.get(micros.size() - 1) / 1000.0,
                pct(toIntake, 50),
                pct(toIntake, 99),
                pct(intakeToStub, 50),
                pct(intakeToStub, 99)));
        System.out.println("BENCH " + report.get(report.size() - 1));
    }

    void drain() throws Exception {
        String loadBefore = loadAverage();
        StubClient.clearMessages();
        StubClient.clearThrottles();
        StubClient.config("{\"throttlePerSecond\":30,\"throttleBurst\":5}");
        Map<String, Object> before = StubClient.stats();
        long acceptedBefore = ((Number) before.get("accepted")).longValue();
        List<CloudEvent> events = new ArrayList<>(DRAIN);
        for (int i = 0; i < DRAIN; i++) {
            events.add(SmsFixtures.event(
                    UUID.randomUUID(),
                    "bench-" + (i % 500),
                    "SIGN_IN",
                    "US",
                    "+1555" + String.format("%07d", 3_000_000 + i),
                    "654321",
                    Instant.now().plusSeconds(3600)));
        }
        Instant publishStart = Instant.now();
        for (int i = 0; i < events.size(); i += 1000) {
            SmsFixtures.publish(
                    kafka, events.subList(i, Math.min(events.size(), i + 1000)).toArray(CloudEvent[]::new));
        }
        Instant published = Instant.now();
        await().atMost(Duration.ofSeconds(300))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> count("select count(*) from sms_request where user_id like 'bench-%' "
                                + "and user_id <> 'bench-lat' and user_id <> 'bench-out'")
                        >= DRAIN);
        Instant queued = Instant.now();
        // Polls the counters, not the message list: serializing 10,000 messages every 2 s would load the stub and
        // the machine it measures.
        await().atMost(Duration.ofSeconds((long) (DRAIN / RATE * 1.5) + 60))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> ((Number) StubClient.stats().get("accepted")).longValue() - acceptedBefore >= DRAIN);
        List<Map<String, Object>> msgs = StubClient.messages();
        List<Instant> times = new ArrayList<>();
        Set<Object> refs = new HashSet<>();
        for (Map<String, Object> m : msgs) {
            times.add(Instant.parse((String) m.get("receivedAt")));
            refs.add(m.get("clientRef"));
        }
        Collections.sort(times);
        double seconds =
                Duration.between(times.get(0), times.get(times.size() - 1)).toNanos() / 1e9;
        double rate = (times.size() - 1) / seconds;
        // Rate once the whole backlog was queued (intake no longer competes for CPU and the database).
        List<Instant> backlog = times.stream().filter(t -> !t.isBefore(queued)).toList();
        double backlogSeconds = backlog.size() < 2
                ? 0
                : Duration.between(backlog.get(0), backlog.get(backlog.size() - 1))
                                .toNanos()
                        / 1e9;
        double backlogRate = backlog.size() < 2 ? 0 : (backlog.size() - 1) / backlogSeconds;
        Map<String, Object> after = StubClient.stats();
        long throttled = ((Number) after.get("throttled")).longValue() - ((Number) before.get("throttled")).longValue();
        // Worst one-second window at the stub.
        int worst = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (Duration.between(times.get(j), times.get(i)).toMillis() >= 1000) {
                j++;
            }
            worst = Math.max(worst, i - j + 1);
        }
        report.add(String.format(
                "drain (stub %s, load average %s at start, %s at end): %d requests published in %.1f s, all queued after %.1f s; %d SMS at the stub "
                        + "(%d distinct client-refs) in %.1f s = %.2f msg/s (configured %.0f, deviation %+.2f %%); "
                        + "busiest 1-s window %d; provider throttled %d; after the backlog was complete: %d SMS in %.1f s "
                        + "= %.2f msg/s (deviation %+.2f %%)",
                SeparateVonageStubResource.separate() ? "in its own JVM" : "in-process",
                loadBefore,
                loadAverage(),
                DRAIN,
                Duration.between(publishStart, published).toMillis() / 1000.0,
                Duration.between(publishStart, queued).toMillis() / 1000.0,
                msgs.size(),
                refs.size(),
                seconds,
                rate,
                RATE,
                (rate / RATE - 1) * 100,
                worst,
                throttled,
                backlog.size(),
                backlogSeconds,
                backlogRate,
                (backlogRate / RATE - 1) * 100));
        System.out.println("BENCH " + report.get(report.size() - 1));
        // Who bunched the throttled calls: the arrival times of the accepted calls before each, the stub's pauses.
        for (Map<String, Object> t : StubClient.throttles()) {
            report.add("drain throttle: " + t);
            System.out.println("BENCH drain throttle: " + t);
        }
    }

    /** The 1/5/15-minute load average (Linux), or "?". */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    void outage() throws Exception {
        StubClient.clearMessages();
        StubClient.config(
                "{\"throttlePerSecond\":30,\"throttleBurst\":5,\"outageMillis\":30000,\"outageHttpStatus\":503}");
        List<UUID> longLived = new ArrayList<>();
        List<UUID> shortLived = new ArrayList<>();
        Instant start = Instant.now();
        for (int i = 0; i < 60; i++) {
            UUID id = UUID.randomUUID();
            boolean shortCode = i % 3 == 0; // expires during the outage
            (shortCode ? shortLived : longLived).add(id);
            SmsFixtures.publish(
                    kafka,
                    SmsFixtures.event(
                            id,
                            "bench-out",
                            "SIGN_IN",
                            "US",
                            "+1555" + String.format("%07d", 4_000_000 + i),
                            "111222",
                            Instant.now().plusSeconds(shortCode ? 15 : 120)));
            Thread.sleep(250);
        }
        await().atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> count(
                                "select count(*) from sms_request where user_id = 'bench-out' and state in ('SENT','FAILED')")
                        == 60);
        long sent = count("select count(*) from sms_request where user_id = 'bench-out' and state = 'SENT'");
        long expired = count("select count(*) from sms_request where user_id = 'bench-out' and state = 'FAILED' "
                + "and failure_reason = 'expired'");
        List<Map<String, Object>> msgs = StubClient.messages();
        Set<Object> refs = new HashSet<>();
        long shortSent = 0;
        for (Map<String, Object> m : msgs) {
            refs.add(m.get("clientRef"));
            if (shortLived.stream().anyMatch(id -> id.toString().equals(m.get("clientRef")))) {
                shortSent++;
            }
        }
        long lastRecovery = msgs.stream()
                .map(m -> Instant.parse((String) m.get("receivedAt")))
                .max(Instant::compareTo)
                .map(t -> Duration.between(start, t).toSeconds())
                .orElse(-1L);
        report.add(String.format(
                "outage: 60 requests over 15 s, stub answering 503 for 30 s; afterwards %d SENT "
                        + "(%d SMS at the stub, %d distinct), %d FAILED expired; short-lived codes sent after expiry: %d; "
                        + "last SMS %d s after the first request",
                sent, msgs.size(), refs.size(), expired, shortSent, lastRecovery));
        System.out.println("BENCH " + report.get(report.size() - 1));
    }

    private static double pct(List<Long> sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx))) / 1000.0;
    }

    private static Instant receivedAt(UUID requestId) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                java.sql.PreparedStatement ps =
                        c.prepareStatement("select received_at from sms_request where request_id = ?")) {
            ps.setObject(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
