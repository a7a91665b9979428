package dev.mfa.notification;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the integration tests that publish requests share: a Kafka companion per test, how long they wait, and the
 * outbox rows written kept for them to read ({@link QueueRows#keepOutboxHistory()}).
 */
abstract class KafkaCase {

    static final Duration WAIT = Duration.ofSeconds(20);

    KafkaCompanion kafka;

    @BeforeEach
    void connectKafka() throws Exception {
        QueueRows.keepOutboxHistory();
        kafka = SmsFixtures.kafka();
    }

    @AfterEach
    void closeKafka() {
        kafka.close();
    }
}
