package dev.mfa.notification;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.mfa.notification.SmsFixtures.event;
import static dev.mfa.notification.SmsFixtures.publish;
import static dev.mfa.notification.SmsFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Vonage stub fails (HTTP 503) for 30 s, then recovers, while requests keep arriving: every request whose code is
 * still valid is sent exactly once after the recovery, and none is sent after its expiry (those expiring during the
 * outage end FAILED {@code expired}). Real SDK over HTTP, real Kafka and PostgreSQL; ~35 s.
 */
@QuarkusTest
class ProviderOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    private KafkaCompanion kafka;
    private final Map<UUID, String> numbers = new HashMap<>();
    private final Map<UUID, Instant> expiry = new HashMap<>();

    @BeforeEach
    void connect() {
        kafka = SmsFixtures.kafka();
        StubClient.reset();
    }

    @AfterEach
    void close() {
        StubClient.resetConfig();
        kafka.close();
    }

    @Test
    void thirtySecondOutageThenRecoverySendsEveryLiveRequestOnceAndNoneAfterItsExpiry() throws Exception {
        Instant outageStart = Instant.now();
        StubClient.config("{\"outageMillis\":" + OUTAGE.toMillis() + ",\"outageHttpStatus\":503}");
        Instant outageEnd = outageStart.plus(OUTAGE);
        List<UUID> live = new ArrayList<>();
        List<UUID> shortLived = new ArrayList<>();
        // At the start of the outage: codes living 2 minutes, and codes expiring 10 s into the outage.
        publish(kafka, batch(8, 4, Duration.ofSeconds(10), live, shortLived));
        Thread.sleep(15_000);
        // Halfway: more requests, one of them expiring before the provider is back.
        publish(kafka, batch(4, 4, Duration.ofSeconds(8), live, shortLived));

        await().atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            for (UUID id : live) {
                if (!"SENT".equals(state(id))) {
                    return false;
                }
            }
            for (UUID id : shortLived) {
                if (!"FAILED".equals(state(id))) {
                    return false;
                }
            }
            return true;
        });
        Thread.sleep(1000); // a late duplicate would show up now

        for (UUID id : live) {
            List<Map<String, Object>> sms = StubClient.messagesTo(numbers.get(id));
            assertThat(sms).as("one SMS for %s", id).hasSize(1);
            Instant received = Instant.parse((String) sms.get(0).get("receivedAt"));
            assertThat(received).as("sent after the outage, before expiry").isAfterOrEqualTo(outageEnd.minusMillis(50))
                    .isBefore(expiry.get(id));
            assertThat((int) SmsFixtures.row(id).orElseThrow().get("attempts")).isGreaterThan(1);
            assertThat(SmsFixtures.statusEvents(id)).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_SENT);
        }
        for (UUID id : shortLived) {
            assertThat(StubClient.messagesTo(numbers.get(id))).as("no SMS after expiry for %s", id).isEmpty();
            assertThat(SmsFixtures.row(id).orElseThrow().get("failure_reason")).isEqualTo("expired");
            assertThat(SmsFixtures.statusEvents(id)).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_FAILED);
        }
    }

    /** {@code n} requests, every {@code shortEvery}-th one expiring after {@code shortTtl}, the rest after 2 min. */
    private CloudEvent[] batch(int n, int shortEvery, Duration shortTtl, List<UUID> live, List<UUID> shortLived) {
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            boolean expiresDuringOutage = i % shortEvery == 0;
            (expiresDuringOutage ? shortLived : live).add(id);
            String to = SmsFixtures.usNumber();
            Instant expiresAt = Instant.now().plus(expiresDuringOutage ? shortTtl : Duration.ofMinutes(2));
            numbers.put(id, to);
            expiry.put(id, expiresAt);
            events.add(event(id, "user-outage-" + i, "SIGN_IN", "US", to, SmsFixtures.code(), expiresAt));
        }
        return events.toArray(CloudEvent[]::new);
    }
}
