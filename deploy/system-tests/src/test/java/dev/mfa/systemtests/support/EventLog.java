package dev.mfa.systemtests.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * The real topics read back by a plain Kafka consumer (no group: assigned partitions from the beginning), the way an
 * auditor or another team would read them. One reader per topic keeps what it has read and polls only what is new.
 */
public final class EventLog {

    /** One record, with its value parsed as JSON when it is JSON. */
    public record Event(String topic, int partition, long offset, String key, String value, JsonNode json) {

        public String type() {
            return json == null ? null : json.path("type").asText(null);
        }

        public String id() {
            return json == null ? null : json.path("id").asText(null);
        }

        public JsonNode data() {
            return json == null ? null : json.path("data");
        }

        public String dataText(String field) {
            JsonNode d = data();
            return d == null || d.path(field).isMissingNode() || d.path(field).isNull()
                    ? null
                    : d.path(field).asText();
        }

        @Override
        public String toString() {
            return topic + "[" + partition + "@" + offset + "] key=" + key + " type=" + type() + " id=" + id();
        }
    }

    private static final Map<String, EventLog> READERS = new ConcurrentHashMap<>();

    private final String topic;
    private final List<Event> events = new ArrayList<>();
    private KafkaConsumer<String, String> consumer;
    private Set<TopicPartition> partitions = Set.of();

    private EventLog(String topic) {
        this.topic = topic;
    }

    public static EventLog topic(String topic) {
        return READERS.computeIfAbsent(topic, EventLog::new);
    }

    /** Every record of the topic so far, in partition/offset order per partition. */
    public synchronized List<Event> events() {
        catchUp();
        return List.copyOf(events);
    }

    public List<Event> events(Predicate<Event> filter) {
        return events().stream().filter(filter).toList();
    }

    /** Waits until at least {@code count} records match, and returns the matches. */
    public List<Event> await(Predicate<Event> filter, int count, Duration timeout) {
        List<List<Event>> last = new ArrayList<>();
        Awaitility.await("at least " + count + " matching record(s) on " + topic)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    List<Event> matches = events(filter);
                    last.clear();
                    last.add(matches);
                    return matches.size() >= count;
                });
        return last.get(0);
    }

    /** Names of every topic on the broker except Kafka's internal ones. */
    public static Set<String> allTopics() {
        try (KafkaConsumer<String, String> c = newConsumer()) {
            Set<String> names =
                    new TreeSet<>(c.listTopics(Duration.ofSeconds(30)).keySet());
            names.removeIf(n -> n.startsWith("__"));
            return names;
        }
    }

    private void catchUp() {
        if (consumer == null) {
            consumer = newConsumer();
        }
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        Set<TopicPartition> now = new java.util.HashSet<>();
        if (infos != null) {
            for (PartitionInfo info : infos) {
                now.add(new TopicPartition(topic, info.partition()));
            }
        }
        if (!now.equals(partitions)) {
            Set<TopicPartition> added = new java.util.HashSet<>(now);
            added.removeAll(partitions);
            consumer.assign(now);
            consumer.seekToBeginning(added);
            partitions = now;
        }
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " up to " + end);
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                events.add(new Event(r.topic(), r.partition(), r.offset(), r.key(), r.value(), parse(r.value())));
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(30)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Http.JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private static KafkaConsumer<String, String> newConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA_BOOTSTRAP);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "system-tests-reader");
        // Only committed records: the services' producers are idempotent, not transactional, so this is all of them.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
