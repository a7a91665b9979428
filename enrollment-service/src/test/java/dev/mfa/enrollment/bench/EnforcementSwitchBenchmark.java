package dev.mfa.enrollment.bench;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.localstack.testing.KafkaTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Benchmark of the enforcement switch (NOT part of {@code mvn verify}; the name matches neither *Test nor *IT):
 * seeds an org of N OPTIONAL users directly in the database, publishes {@code mfa.deadline.reached}, and measures
 * until the N-th {@code mfa.user-requirement.changed} of that org has been read back from the broker.
 *
 * <pre>
 * cd /work/main && mvn -B -o -pl enrollment-service verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=EnforcementSwitchBenchmark -Dmfa.policy.switch-batch-size=5000 -Dbench.sizes=10000,100000,1000000
 * </pre>
 * ({@code -Dmfa.policy.switch-batch-size=5000} restores the production batch size over the test profile's 50; a
 * {@code @TestProfile} would start a second application next to the integration tests'.)
 * Results are appended to {@code target/bench/enforcement-switch.md}.
 */
@QuarkusTest
class EnforcementSwitchBenchmark {

    @Test
    void enforcementSwitch() throws Exception {
        String sizes = System.getProperty("bench.sizes", "10000,100000");
        List<String> rows = new ArrayList<>();
        for (String size : sizes.split(",")) {
            rows.add(run(Integer.parseInt(size.trim())));
        }
        Path out = Path.of("target/bench/enforcement-switch.md");
        Files.createDirectories(out.getParent());
        Files.writeString(
                out,
                String.join("\n", rows) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        rows.forEach(System.out::println);
    }

    private String run(int users) throws Exception {
        String org = "bench-" + users + "-" + UUID.randomUUID().toString().substring(0, 8);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MILLIS);
        long seedStart = System.nanoTime();
        Db.update(
                "insert into org_user (user_id, org_id, email, pay, requirement, created_at, updated_at) "
                        + "select ? || '-' || lpad(g::text, 7, '0'), ?, 'u' || g || '@bench.test', null, 'OPTIONAL', now(), now() "
                        + "from generate_series(1, ?) g",
                org,
                org,
                users);
        Db.update(
                "insert into org_policy (org_id, enabled, enforcement_deadline, enforced, allowed_methods, version, "
                        + "synced_version, updated_at) values (?, true, ?, false, 'TOTP,SMS', 1, 1, now())",
                org,
                java.sql.Timestamp.from(deadline));
        Db.update("analyze org_user");
        long seedMs = (System.nanoTime() - seedStart) / 1_000_000;

        String needle = org; // unique per run; user ids start with it too (json_build_object puts spaces around colons)
        var event = Bus.CODEC.wrap("/bench", new Events.DeadlineReached(org, deadline), Instant.now());
        try (KafkaConsumer<String, String> consumer = consumer();
                KafkaProducer<String, String> producer = producer()) {
            producer.partitionsFor(Topics.DEADLINES); // metadata fetched before the clock starts
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.USER_REQUIREMENTS).stream()
                    .map(p -> new TopicPartition(Topics.USER_REQUIREMENTS, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets before the event goes out

            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(Topics.DEADLINES, org, Bus.CODEC.encode(event)));
            producer.flush();
            long firstAt = 0;
            long lastAt = 0;
            int seen = 0;
            long giveUp = start + Duration.ofMinutes(30).toNanos();
            while (seen < users && System.nanoTime() < giveUp) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value().contains(needle)) {
                        seen++;
                        lastAt = System.nanoTime();
                        if (firstAt == 0) {
                            firstAt = lastAt;
                        }
                    }
                }
            }
            long dbSwitched =
                    Db.count("select count(*) from org_user where org_id = ? and requirement = 'REQUIRED'", org);
            double totalS = (lastAt - start) / 1e9;
            String row = String.format(
                    "| %,d | %,d | %.2f s | %.2f s | %,.0f events/s | seed %,d ms |",
                    users, seen, (firstAt - start) / 1e9, totalS, seen / totalS, seedMs);
            if (seen < users || dbSwitched != users) {
                row += " INCOMPLETE (db " + dbSwitched + ")";
            }
            cleanUp(org);
            return row;
        }
    }

    private static void cleanUp(String org) {
        Db.update("delete from org_user where org_id = ?", org);
        Db.update("vacuum analyze outbox_event");
        Db.update("vacuum analyze org_user");
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        return new KafkaConsumer<>(p);
    }
}
