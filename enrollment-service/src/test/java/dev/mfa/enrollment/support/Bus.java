package dev.mfa.enrollment.support;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventData;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.TopicSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** The real broker from the tests' side: produce CloudEvents, read topics from the beginning. */
public final class Bus {

    public static final EventCodec CODEC = new EventCodec();

    private Bus() {}

    /** Publishes a new event (fresh id); returns it so that a test can send the very same record again. */
    public static CloudEvent publish(String topic, EventData data) {
        CloudEvent event = CODEC.wrap("/test", data, Instant.now());
        send(topic, event);
        return event;
    }

    public static void send(String topic, CloudEvent event) {
        sendRaw(topic, event.subject(), CODEC.encode(event));
    }

    public static void sendRaw(String topic, String key, String value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /** Every record currently on the topic (read up to the end offsets). */
    public static List<ConsumerRecord<String, String>> records(String topic) {
        return TopicSnapshot.read(topic);
    }

    /** Decoded events of a topic whose subject is {@code subject}. */
    public static List<CloudEvent> events(String topic, String subject) {
        return events(topic, e -> subject.equals(e.subject()));
    }

    public static List<CloudEvent> events(String topic, Predicate<CloudEvent> filter) {
        return records(topic).stream()
                .map(r -> CODEC.decode(r.value()))
                .filter(filter)
                .toList();
    }

    /** Waits until at least {@code count} matching events are on the topic, and returns them. */
    public static List<CloudEvent> await(String topic, Predicate<CloudEvent> filter, int count) {
        List<List<CloudEvent>> holder = new ArrayList<>();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    List<CloudEvent> found = events(topic, filter);
                    holder.clear();
                    holder.add(found);
                    return found.size() >= count;
                });
        return holder.get(0);
    }

    public static List<CloudEvent> await(String topic, String subject, String type, int count) {
        return await(topic, e -> subject.equals(e.subject()) && type.equals(e.type()), count);
    }

    public static <T> T data(CloudEvent event, Class<T> type) {
        return CODEC.data(event, type);
    }
}
