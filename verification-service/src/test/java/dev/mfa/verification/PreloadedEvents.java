package dev.mfa.verification;

import dev.mfa.core.crypto.FieldCipher;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.recovery.RecoveryCodeHasher;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.localstack.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a backlog to the broker while the service is down (this resource starts before the application of
 * {@link ProjectionIT}'s profile): the service must catch up when it starts. Everything is derived from a run id kept
 * in a system property, so the test (another class loader) can recompute the users, factors and secrets.
 */
public class PreloadedEvents implements QuarkusTestResourceLifecycleManager {

    static final String RUN_PROPERTY = "mfa.test.preloaded.run";
    static final int USERS = 50;
    /**
     * The legacy (pre-split) dev field key of application.properties (profiles dev, test, local): these events are
     * as old producers wrote them, without context, so their projection also proves legacy events still open.
     */
    static final String DEV_RECOVERY_CODE_KEY = "WmfZRus53wqi/fcezJ5LPNM9hwQxWkZmxGUvGeKIUz0=";

    static final String DEV_FIELD_KEYS = "local-dev:9KNZMCs3A/SdedMQzg2ydfziN7g8lY1LCqjUSh7DLAw=";

    @Override
    public Map<String, String> start() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        System.setProperty(RUN_PROPERTY, run);
        FieldCipher cipher = FieldCipher.fromSpec(DEV_FIELD_KEYS, "local-dev");
        EventCodec codec = new EventCodec();
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < USERS; i++) {
                String user = user(run, i);
                send(
                        producer,
                        codec,
                        Topics.FACTORS,
                        new Events.FactorEnrolled(
                                factorId(run, i),
                                user,
                                "acme",
                                "TOTP",
                                "app",
                                cipher.encrypt(Base32.encode(secret(run, i))),
                                null,
                                null,
                                null,
                                null,
                                Instant.now()));
            }
            // One user's events in order: enrolled, removed, enrolled again -> only the second factor remains.
            String ordered = orderedUser(run);
            send(
                    producer,
                    codec,
                    Topics.FACTORS,
                    new Events.FactorEnrolled(
                            factorId(run, 1000),
                            ordered,
                            "acme",
                            "TOTP",
                            "old",
                            cipher.encrypt(Base32.encode(secret(run, 1000))),
                            null,
                            null,
                            null,
                            null,
                            Instant.now()));
            send(
                    producer,
                    codec,
                    Topics.FACTORS,
                    new Events.FactorRemoved(factorId(run, 1000), ordered, "acme", "user", Instant.now()));
            send(
                    producer,
                    codec,
                    Topics.FACTORS,
                    new Events.FactorEnrolled(
                            factorId(run, 1001),
                            ordered,
                            "acme",
                            "TOTP",
                            "new",
                            cipher.encrypt(Base32.encode(secret(run, 1001))),
                            null,
                            null,
                            null,
                            null,
                            Instant.now()));
            // A duplicate delivery (same event id) has no second effect.
            CloudEvent issued = codec.wrap(
                    "/test",
                    new Events.RecoveryCodeIssued(
                            UUID.randomUUID(),
                            ordered,
                            "acme",
                            RecoveryCodeHasher.fromBase64(DEV_RECOVERY_CODE_KEY).hash(recoveryCode(run)),
                            Instant.now()),
                    Instant.now());
            producer.send(new ProducerRecord<>(Topics.FACTORS, ordered, codec.encode(issued)));
            producer.send(new ProducerRecord<>(Topics.FACTORS, ordered, codec.encode(issued)));
            System.setProperty(RUN_PROPERTY + ".duplicate", issued.id().toString());
            // A record that is not an event goes to the dead-letter topic; the ones after it are still handled.
            producer.send(new ProducerRecord<>(Topics.USER_REQUIREMENTS, requiredUser(run), "not json"));
            send(
                    producer,
                    codec,
                    Topics.USER_REQUIREMENTS,
                    new Events.UserRequirementChanged(
                            requiredUser(run), "acme", "REQUIRED", "NOT_REQUIRED", "org-policy"));
            producer.flush();
        }
        return Map.of();
    }

    private static void send(KafkaProducer<String, String> producer, EventCodec codec, String topic, EventData data) {
        producer.send(new ProducerRecord<>(
                topic, data.partitionKey(), codec.encode(codec.wrap("/test", data, Instant.now()))));
    }

    @Override
    public void stop() {}

    static String user(String run, int i) {
        return "preloaded-" + run + "-" + i;
    }

    static String orderedUser(String run) {
        return "preloaded-" + run + "-ordered";
    }

    static String requiredUser(String run) {
        return "preloaded-" + run + "-required";
    }

    static UUID factorId(String run, int i) {
        return UUID.nameUUIDFromBytes(("factor-" + run + "-" + i).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] secret(String run, int i) {
        try {
            return Arrays.copyOf(
                    MessageDigest.getInstance("SHA-256")
                            .digest(("secret-" + run + "-" + i).getBytes(StandardCharsets.UTF_8)),
                    20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String recoveryCode(String run) {
        // 24 Crockford characters derived from the run id.
        String base = Base32.encode(secret(run, 2000))
                .replace("=", "")
                .replace("I", "1")
                .replace("L", "1")
                .replace("O", "0")
                .replace("U", "V");
        return RecoveryCodes.format(base.substring(0, 24));
    }
}
