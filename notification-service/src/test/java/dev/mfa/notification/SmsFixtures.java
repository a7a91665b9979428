package dev.mfa.notification;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.KeyPurpose;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds and publishes SMS requests as producers do, and reads the service's state for assertions. */
public final class SmsFixtures {

    /**
     * The producers' dev keys (enrollment-service's application.properties, profiles dev, test, local): the totp set
     * too, which notification-service does not hold.
     */
    public static final FieldKeys KEYS = FieldKeys.fromSpecs(
            Map.of(
                    KeyPurpose.TOTP, Optional.of("totp-dev:ehqOIjDOQIy3BaiBKggbObRzXMnjyVrzkdTE8ve9yj0="),
                    KeyPurpose.SMS, Optional.of("sms-dev:C/DdcWqYL66bwxMs2YrzZwBP4alHc7o3hvcPFnIm7hA="),
                    KeyPurpose.EMAIL, Optional.of("email-dev:C0zyum+OqxAI4Ttbfh1yKEcSf3E8zQPMWdEF60h93Ds=")),
            Optional.empty());

    public static final EventCodec CODEC = new EventCodec();

    private SmsFixtures() {}

    /** A fresh +1 number in the unassigned 555 area code, so that tests never share one. */
    public static String usNumber() {
        return "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    public static String code() {
        return String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
    }

    public static CloudEvent event(
            UUID requestId, String userId, String purpose, String country, String to, String code, Instant expiresAt) {
        return CODEC.wrap(
                "/test",
                new Events.SmsRequested(
                        requestId,
                        userId,
                        purpose,
                        country,
                        KEYS.seal(SealedField.PHONE, userId, to),
                        KEYS.seal(SealedField.SMS_CODE, userId, code),
                        expiresAt),
                Instant.now());
    }

    public static void publish(KafkaCompanion kafka, CloudEvent... events) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (CloudEvent e : events) {
            records.add(new ProducerRecord<>(Topics.SMS_REQUESTS, e.subject(), CODEC.encode(e)));
        }
        kafka.produceStrings().fromRecords(records).awaitCompletion();
    }

    public static KafkaCompanion kafka() {
        return new KafkaCompanion(KafkaTestResource.bootstrapServers());
    }

    /** Status events the service wrote to its outbox for a request, oldest first: type → data. */
    public static List<Map.Entry<String, JsonNode>> statusEvents(UUID requestId) throws Exception {
        return QueueRows.statusEvents(Topics.SMS_STATUS, requestId);
    }

    /** Selected columns of the request's row, or empty. */
    public static Optional<Map<String, Object>> row(UUID requestId) throws Exception {
        return QueueRows.row(
                "sms_request",
                "state, attempts, failure_reason, provider_message_id, recipient, code, destination_hash, last_error, "
                        + "receipt_status",
                requestId);
    }

    /**
     * Sends one more request through intake and dispatch and waits until the stub has it: whatever was queued before
     * (a wrongly repeated send, say) has had its turn by then. Instead of sleeping "long enough".
     */
    public static void barrier(KafkaCompanion kafka) throws Exception {
        UUID requestId = UUID.randomUUID();
        publish(
                kafka,
                event(
                        requestId,
                        "user-barrier",
                        "SIGN_IN",
                        "US",
                        usNumber(),
                        code(),
                        Instant.now().plusSeconds(300)));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> "SENT".equals(state(requestId)));
    }

    public static String state(UUID requestId) throws Exception {
        return row(requestId).map(r -> (String) r.get("state")).orElse(null);
    }

    public static int processedCount(UUID eventId) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement("select count(*) from processed_event where event_id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
