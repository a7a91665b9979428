package dev.mfa.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events.UserUpserted;
import dev.mfa.core.events.Topics;
import dev.mfa.core.password.PasswordHashes;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.TopicSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedLoaderIT {

    @Test
    void publishesOneUpsertedEventPerUserAndWritesHashes(@TempDir Path dir) throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        Path hashes = dir.resolve("password-hashes.json");
        SeedLoader.main(new String[] {
            "--seed", SeedLoaderTest.SEED.toString(), "--bootstrap", bootstrap, "--hashes", hashes.toString()
        });

        SeedLoader.Seed seed = SeedLoader.read(SeedLoaderTest.SEED);
        int users = seed.orgs().stream().mapToInt(o -> o.users().size()).sum();

        @SuppressWarnings("unchecked")
        Map<String, String> written = new EventCodec().mapper().readValue(hashes.toFile(), Map.class);
        assertThat(written).hasSize(users);
        assertThat(PasswordHashes.verify("bob-pw".toCharArray(), written.get("bob")))
                .isTrue();

        // Read up to the topic's end (no consumer group to join): the loader has published when main() returns.
        List<ConsumerRecord<String, String>> received = TopicSnapshot.read(bootstrap, Topics.IDENTITY_USERS);
        assertThat(received).hasSize(users);
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, String> r : received) {
            CloudEvent event = codec.decode(r.value());
            UserUpserted data = codec.data(event, UserUpserted.class);
            assertThat(event.type()).isEqualTo("identity.user.upserted");
            assertThat(event.source()).isEqualTo("/seed-loader");
            assertThat(r.key()).isEqualTo(data.userId()).isEqualTo(event.subject());
        }
        assertThat(received)
                .extracting(ConsumerRecord::key)
                .contains("acme-admin", "alice", "paula", "globex-admin", "peter");
    }
}
