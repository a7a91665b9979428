package dev.mfa.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}, built before failsafe runs) as a separate JVM
 * against the test PostgreSQL, Kafka and Vonage stub: requests keep arriving while it sends, it is SIGKILLed
 * mid-stream (no graceful stop), requests keep arriving while it is down, and a fresh process takes over.
 *
 * <p>Asserted: every request is recorded (none lost at intake, however many records Kafka redelivers); none reaches
 * the stub twice; every request reaches the stub exactly once except a request whose provider call the kill
 * interrupted — at most the few claimed in the last instant before the kill, which the next process reports as
 * {@code outcome_unknown} instead of resending (docs/notification.md, "Crash safety": Vonage offers no idempotent
 * send, so an interrupted call cannot be told apart from a completed one).
 *
 * <p>The child uses its own database, topic and consumer group, so the {@code @QuarkusTest} applications of this JVM
 * never see its requests.
 */
class ServiceKillRestartIT {

    private static final String DATABASE = "mfa_notification_kill";
    private static final String TOPIC = "mfa.sms-requests.kill-it";
    private static final int REQUESTS = 240;
    private static final int RATE = 40;
    /**
     * A request is SENDING only while one of the {@code dispatch.concurrency} (default 8) senders holds it: from its
     * claim, at most the claim lead (20 ms) before its slot, to its recorded answer. Typically 1–2 are caught by the
     * kill, most of them already at the stub; on a starved host, senders waiting to record an answer add to it.
     */
    private static final int MAX_INTERRUPTED = 8;

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        StubClient.resetConfig();
    }

    @Test
    void killedMidStreamAndRestartedSendsEveryRequestAtMostOnceAndLosesNone() throws Exception {
        assertThat(JAR).as("the packaged service (failsafe runs after package)").exists();
        PostgresTestResource.ensureDatabase(DATABASE);
        KafkaTestResource.createTopics(List.of(TOPIC));
        StubClient.reset();
        StubClient.resetConfig();
        // The stub throttles like Vonage just above the service's rate: a throttled send is retried and must still
        // reach the stub once (throttling itself is measured by SmsDispatchBenchmark, not asserted on a busy CI host).
        StubClient.config("{\"throttlePerSecond\":" + (RATE + 2) + ",\"throttleBurst\":5}");
        long throttledBefore = ((Number) StubClient.stats().get("throttled")).longValue();

        Map<UUID, String> numbers = new LinkedHashMap<>();
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            UUID id = UUID.randomUUID();
            String to = "+1555" + String.format("%07d", 5_000_000 + i);
            numbers.put(id, to);
            events.add(SmsFixtures.event(
                    id,
                    "user-kill-" + i,
                    "SIGN_IN",
                    "US",
                    to,
                    SmsFixtures.code(),
                    Instant.now().plusSeconds(600)));
        }

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            AtomicInteger published = new AtomicInteger();
            // The first third is queued before the service starts; the rest arrives while it runs, dies and restarts.
            publish(producer, events.subList(0, REQUESTS / 3), published);
            Process first = start(1);
            Thread feeder = new Thread(
                    () -> {
                        try {
                            for (CloudEvent e : events.subList(REQUESTS / 3, REQUESTS)) {
                                publish(producer, List.of(e), published);
                                Thread.sleep(1000 / RATE * 2);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    "kill-it-publisher");
            feeder.start();

            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> ours(numbers).size() >= REQUESTS / 4);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            int atKill = ours(numbers).size();
            int publishedAtKill = published.get();
            // Requests keep arriving while nobody consumes.
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> published.get() >= Math.min(REQUESTS, publishedAtKill + RATE / 2));

            start(2);
            feeder.join(60_000);
            assertThat(published.get()).isEqualTo(REQUESTS);
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() ->
                            count("select count(*) from sms_request where state in ('SENT', 'FAILED')") == REQUESTS);
            // Every request is final (SENT or FAILED): no send is in flight (only a SENDING request has one) and none
            // is queued, so the stub has received all it ever will.

            Map<String, Integer> atStub = ours(numbers);
            Map<UUID, String[]> rows = rows();
            List<UUID> interrupted = new ArrayList<>();
            for (UUID id : numbers.keySet()) {
                String[] row = rows.get(id);
                assertThat(row).as("request %s recorded", id).isNotNull();
                int sms = atStub.getOrDefault(id.toString(), 0);
                assertThat(sms).as("SMS for request %s", id).isLessThanOrEqualTo(1);
                if ("SENT".equals(row[0])) {
                    assertThat(sms).as("SENT request %s at the stub once", id).isEqualTo(1);
                } else {
                    assertThat(row[1]).as("request %s", id).isEqualTo("outcome_unknown");
                    interrupted.add(id);
                }
            }
            assertThat(interrupted)
                    .as("requests whose call the kill interrupted")
                    .hasSizeLessThanOrEqualTo(MAX_INTERRUPTED);
            long throttled = ((Number) StubClient.stats().get("throttled")).longValue() - throttledBefore;
            System.out.printf(
                    "kill/restart: %d requests, %d at the stub when killed, %d SMS in all (%d distinct), "
                            + "%d outcome_unknown (%d of them at the stub), stub throttled %d%n",
                    REQUESTS,
                    atKill,
                    atStub.values().stream().mapToInt(Integer::intValue).sum(),
                    atStub.size(),
                    interrupted.size(),
                    interrupted.stream()
                            .filter(id -> atStub.containsKey(id.toString()))
                            .count(),
                    throttled);
        }
    }

    private static void publish(KafkaProducer<String, String> producer, List<CloudEvent> events, AtomicInteger n)
            throws Exception {
        for (CloudEvent e : events) {
            producer.send(new ProducerRecord<>(TOPIC, e.subject(), SmsFixtures.CODEC.encode(e)))
                    .get();
            n.incrementAndGet();
        }
    }

    /** Starts the packaged service and waits until it is listening. */
    private Process start(int run) throws IOException, InterruptedException {
        Path log = Path.of("target/kill-restart-run-" + run + ".log");
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_PROFILE", "local");
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", PostgresTestResource.reactiveUrl(DATABASE));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", PostgresTestResource.jdbcUrl(DATABASE));
        env.put("QUARKUS_DATASOURCE_USERNAME", PostgresTestResource.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", PostgresTestResource.password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaTestResource.bootstrapServers());
        env.put("MP_MESSAGING_INCOMING_SMS_REQUESTS_TOPIC", TOPIC);
        env.put("MP_MESSAGING_INCOMING_SMS_REQUESTS_GROUP_ID", "notification-kill-it");
        env.put("MFA_VONAGE_BASE_URI", StubClient.baseUrl());
        env.put("MFA_VONAGE_THROUGHPUT", Integer.toString(RATE));
        env.put("MFA_VONAGE_TIMEOUT", "PT2S");
        // A short lease so that the next process resolves the interrupted calls within the test's time.
        env.put("MFA_NOTIFICATION_DISPATCH_LEASE", "PT5S");
        env.put("MFA_NOTIFICATION_DISPATCH_SWEEP_INTERVAL", "PT1S");
        env.put("MFA_NOTIFICATION_ABUSE_PER_COUNTRY_PER_HOUR", "100000");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The killed consumer never leaves its group: a short session lets the next one take the partition quickly.
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-Dmp.messaging.incoming.sms-requests.session.timeout.ms=6000",
                        "-Dmp.messaging.incoming.sms-requests.heartbeat.interval.ms=1000",
                        "-jar",
                        JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        // A bound, not a wait: on a host shared with other builds (load 30 on 2 cores) a start took over 90 s.
        await().atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(p.isAlive())
                            .as("service run %d alive (see %s)", run, log)
                            .isTrue();
                    return Files.readString(log, StandardCharsets.UTF_8).contains("Listening on");
                });
        return p;
    }

    /** Our requests at the stub: client-ref (request id) → number of SMS. */
    private static Map<String, Integer> ours(Map<UUID, String> numbers) {
        Map<String, Integer> counts = new HashMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        numbers.keySet().forEach(id -> ids.add(id.toString()));
        for (Map<String, Object> m : StubClient.messages()) {
            Object ref = m.get("clientRef");
            if (ref != null && ids.contains(ref.toString())) {
                counts.merge(ref.toString(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static Map<UUID, String[]> rows() throws Exception {
        Map<UUID, String[]> rows = new HashMap<>();
        try (Connection c = PostgresTestResource.connect(DATABASE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select request_id, state, failure_reason from sms_request")) {
            while (rs.next()) {
                rows.put((UUID) rs.getObject(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        return rows;
    }

    private static long count(String sql) throws Exception {
        try (Connection c = PostgresTestResource.connect(DATABASE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
