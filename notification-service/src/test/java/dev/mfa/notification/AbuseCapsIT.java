package dev.mfa.notification;

import static dev.mfa.notification.SmsFixtures.event;
import static dev.mfa.notification.SmsFixtures.state;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.CloudEvent;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** SMS pumping guard: per-destination and per-country hourly caps (test config: 3 per number, NZ 2 per hour). */
@QuarkusTest
class AbuseCapsIT extends SmsStubCase {

    @Test
    void fourthMessageToTheSameNumberWithinAnHourIsRefused() throws Exception {
        String to = SmsFixtures.usNumber();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            // One at a time, so that the order (and therefore which one is refused) is known.
            requestSignIn(id, "user-cap", to, SmsFixtures.code(), 300);
            await().atMost(WAIT).until(() -> state(id) != null);
        }
        await().atMost(WAIT).until(() -> "SENT".equals(state(ids.get(2))));
        assertThat(state(ids.get(0))).isEqualTo("SENT");
        assertThat(state(ids.get(1))).isEqualTo("SENT");
        assertThat(state(ids.get(3))).isEqualTo("FAILED");
        var refused = SmsFixtures.statusEvents(ids.get(3));
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).getValue().get("reason").asText()).isEqualTo("rate_limited");
        assertThat(StubClient.messagesTo(to)).hasSize(3);
        assertThat(metrics()).contains("mfa_notification_abuse_refused_total{country=\"US\",scope=\"destination\"}");
    }

    @Test
    void countryCapRefusesTheExcessAcrossNumbers() throws Exception {
        List<UUID> ids = new ArrayList<>();
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            events.add(event(
                    id,
                    "user-nz-" + i,
                    "SIGN_IN",
                    "NZ",
                    "+6421" + (1_000_000 + i) + "" + i,
                    SmsFixtures.code(),
                    Instant.now().plusSeconds(300)));
        }
        SmsFixtures.publish(kafka, events.toArray(CloudEvent[]::new));
        await().atMost(WAIT)
                .until(() -> ids.stream().allMatch(id -> {
                    try {
                        String s = state(id);
                        return "SENT".equals(s) || "FAILED".equals(s);
                    } catch (Exception e) {
                        return false;
                    }
                }));
        long refused = 0;
        for (UUID id : ids) {
            if ("FAILED".equals(state(id))) {
                refused++;
                assertThat(SmsFixtures.row(id).orElseThrow().get("failure_reason"))
                        .isEqualTo("rate_limited");
            }
        }
        assertThat(refused).isEqualTo(1);
        assertThat(metrics())
                .contains("mfa_notification_abuse_refused_total{country=\"NZ\",scope=\"country\"}")
                .contains("mfa_notification_messages_total{country=\"NZ\",outcome=\"rate_limited\"}");
    }

    @Test
    void countersUseAKeyedHashNeverTheNumber() throws Exception {
        UUID id = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        requestSignIn(id, "user-hash", to, SmsFixtures.code(), 300);
        awaitState(id, "SENT");
        String hash = (String) SmsFixtures.row(id).orElseThrow().get("destination_hash");
        assertThat(hash).startsWith("h1:").doesNotContain(to.substring(2));
    }

    private static String metrics() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
