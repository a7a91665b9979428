package dev.mfa.localstack.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaTestResourceIT {

    @Test
    void startsARealBrokerWithEveryTopic() throws Exception {
        KafkaTestResource resource = new KafkaTestResource();
        resource.init(Map.of(KafkaTestResource.TOPICS, "test.extra"));
        Map<String, String> config = resource.start();
        String bootstrap = KafkaTestResource.bootstrapServers();
        assertThat(config).containsEntry("kafka.bootstrap.servers", bootstrap);
        assertThat(bootstrap).matches("localhost:\\d+");

        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).containsAll(Topics.ALL).contains("test.extra");
            for (String topic : Topics.ALL) {
                assertThat(names).contains(Topics.dlq(topic));
            }
        }

        String topic = Topics.FACTORS;
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "user-1", "{\"hello\":\"kafka\"}"))
                    .get();
        }

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-test-resource-it");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(30);
            while (received.isEmpty() && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0).key()).isEqualTo("user-1");
        assertThat(received.get(0).value()).isEqualTo("{\"hello\":\"kafka\"}");

        // One broker per JVM.
        resource.stop();
        assertThat(new KafkaTestResource().start().get("kafka.bootstrap.servers"))
                .isEqualTo(bootstrap);
    }
}
