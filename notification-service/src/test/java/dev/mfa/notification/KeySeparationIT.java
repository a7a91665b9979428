package dev.mfa.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.crypto.FieldCipher;
import dev.mfa.core.crypto.FieldCipherException;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.KeyPurpose;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.TopicSnapshot;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 14 at the internet-facing service: notification-service holds the sms and email key sets only, so a
 * TOTP secret as enrollment-service publishes it never opens here, and a phone or code ciphertext moved to another
 * user's request is refused (dead-lettered, nothing stored or sent). Fails on the commit before the fix: there the one
 * shared field key opened every ciphertext, for any user.
 */
@QuarkusTest
class KeySeparationIT extends KafkaCase {

    private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    @Inject
    FieldKeys keys;

    @Test
    void notificationCannotDecryptATotpSecret() throws Exception {
        assertThat(keys.purposes()).containsExactlyInAnyOrder(KeyPurpose.SMS, KeyPurpose.EMAIL);
        assertThat(keys.hasLegacy()).isFalse();
        // the secret of an mfa.factor.enrolled, sealed with the producers' totp key
        String totpSecret = SmsFixtures.KEYS.seal(SealedField.TOTP_SECRET, "alice", SECRET);
        assertThat(FieldCipher.keyIdOf(totpSecret)).contains("totp-dev");
        assertThatThrownBy(() -> keys.open(SealedField.TOTP_SECRET, "alice", totpSecret))
                .isInstanceOf(FieldCipherException.class)
                .hasMessageNotContaining(SECRET);

        // handed to it as an SMS code: refused, never sent
        String user = "user-totp-" + UUID.randomUUID();
        UUID requestId = UUID.randomUUID();
        CloudEvent smuggled = SmsFixtures.CODEC.wrap(
                "/test",
                new Events.SmsRequested(
                        requestId,
                        user,
                        "SIGN_IN",
                        "US",
                        SmsFixtures.KEYS.seal(SealedField.PHONE, user, SmsFixtures.usNumber()),
                        SmsFixtures.KEYS.seal(SealedField.TOTP_SECRET, user, "123456"),
                        Instant.now().plusSeconds(60)),
                Instant.now());
        assertDeadLettered(smuggled, requestId);
    }

    @Test
    void aCiphertextWithSwappedUserFailsToDecrypt() throws Exception {
        String victim = "user-victim-" + UUID.randomUUID();
        String mallory = "user-mallory-" + UUID.randomUUID();
        String number = SmsFixtures.usNumber();
        String phone = SmsFixtures.KEYS.seal(SealedField.PHONE, victim, number);
        String code = SmsFixtures.KEYS.seal(SealedField.SMS_CODE, victim, "246810");
        assertThat(keys.open(SealedField.PHONE, victim, phone)).isEqualTo(number);

        UUID requestId = UUID.randomUUID();
        CloudEvent swapped = SmsFixtures.CODEC.wrap(
                "/test",
                new Events.SmsRequested(
                        requestId,
                        mallory,
                        "SIGN_IN",
                        "US",
                        phone,
                        code,
                        Instant.now().plusSeconds(60)),
                Instant.now());
        assertDeadLettered(swapped, requestId);
        // and the fields swapped for the same user: the code where the number goes
        UUID fieldsSwapped = UUID.randomUUID();
        assertDeadLettered(
                SmsFixtures.CODEC.wrap(
                        "/test",
                        new Events.SmsRequested(
                                fieldsSwapped,
                                victim,
                                "SIGN_IN",
                                "US",
                                code,
                                phone,
                                Instant.now().plusSeconds(60)),
                        Instant.now()),
                fieldsSwapped);
        assertThat(StubClient.messagesTo(number)).isEmpty();
    }

    private void assertDeadLettered(CloudEvent event, UUID requestId) throws Exception {
        kafka.produceStrings()
                .fromRecords(
                        new ProducerRecord<>(Topics.SMS_REQUESTS, event.subject(), SmsFixtures.CODEC.encode(event)))
                .awaitCompletion();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(TopicSnapshot.read(Topics.dlq(Topics.SMS_REQUESTS)).stream()
                                .filter(r -> r.value().contains(event.id().toString()))
                                .toList())
                        .hasSize(1));
        assertThat(SmsFixtures.row(requestId)).isEmpty();
        assertThat(SmsFixtures.processedCount(event.id())).isZero();
    }
}
