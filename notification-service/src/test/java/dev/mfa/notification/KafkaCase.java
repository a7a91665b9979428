package dev.mfa.notification;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What the integration tests that publish requests share: a Kafka companion per test, and how long they wait. */
abstract class KafkaCase {

    static final Duration WAIT = Duration.ofSeconds(20);

    KafkaCompanion kafka;

    @BeforeEach
    void connectKafka() {
        kafka = SmsFixtures.kafka();
    }

    @AfterEach
    void closeKafka() {
        kafka.close();
    }
}
