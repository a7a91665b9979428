package dev.mfa.localstack;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events.UserUpserted;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.KafkaTestResource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class SeedLoaderIT {

    @Test
    void publishesOneUpsertedEventPerUserAndWritesHashes(@TempDir Path dir) throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        Path hashes = dir.resolve("password-hashes.json");
        SeedLoader.main(new String[]{"--seed", SeedLoaderTest.SEED.toString(), "--bootstrap", bootstrap, "--hashes", hashes.toString()});

        SeedLoader.Seed seed = SeedLoader.read(SeedLoaderTest.SEED);
        int users = seed.orgs().stream().mapToInt(o -> o.users().size()).sum();

        @SuppressWarnings("unchecked")
        Map<String, String> written = new EventCodec().mapper().readValue(hashes.toFile(), Map.class);
        assertThat(written).hasSize(users);
        assertThat(PasswordHashes.verify("bob-pw".toCharArray(), written.get("bob"))).isTrue();

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "seed-loader-it");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.IDENTITY_USERS));
            Instant deadline = Instant.now().plusSeconds(30);
            while (received.size() < users && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertThat(received).hasSize(users);
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, String> r : received) {
            CloudEvent event = codec.decode(r.value());
            UserUpserted data = codec.data(event, UserUpserted.class);
            assertThat(event.type()).isEqualTo("identity.user.upserted");
            assertThat(event.source()).isEqualTo("/seed-loader");
            assertThat(r.key()).isEqualTo(data.userId()).isEqualTo(event.subject());
        }
        assertThat(received).extracting(ConsumerRecord::key).contains("acme-admin", "alice", "paula", "globex-admin", "peter");
    }
}
