package dev.mfa.notification;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the SMS integration tests share: a Kafka companion per test, and the Vonage stub's answers and settings back
 * to their defaults before and after each test (a test that changes them never leaks into the next).
 */
abstract class SmsStubCase {

    static final Duration WAIT = Duration.ofSeconds(20);

    KafkaCompanion kafka;

    @BeforeEach
    void connectKafkaAndResetStub() {
        kafka = SmsFixtures.kafka();
        StubClient.reset();
    }

    @AfterEach
    void resetStubAndCloseKafka() {
        StubClient.reset();
        StubClient.resetConfig();
        kafka.close();
    }
}
