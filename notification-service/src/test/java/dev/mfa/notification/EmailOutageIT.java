package dev.mfa.notification;

import static dev.mfa.notification.EmailFixtures.event;
import static dev.mfa.notification.EmailFixtures.mailsTo;
import static dev.mfa.notification.EmailFixtures.publish;
import static dev.mfa.notification.EmailFixtures.state;
import static dev.mfa.notification.EmailFixtures.statusEvents;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.EventTypes;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP server stopped (connections refused) while requests arrive and are retried, then restarted: every request
 * is sent exactly once, none is lost or reported twice. Every log line of the run — the service's own categories at
 * the most verbose level — is captured and holds no address.
 */
@QuarkusTest
class EmailOutageIT extends KafkaCase {

    private static final Duration OUTAGE_WAIT = Duration.ofSeconds(30);
    private LogCapture logs;

    @BeforeEach
    void install() {
        logs = new LogCapture();
    }

    @AfterEach
    void remove() throws Exception {
        EmailFixtures.smtpRunning(true);
        logs.close();
    }

    @Test
    void smtpOutageLosesNothingAndSendsNothingTwice() throws Exception {
        Map<UUID, String> requests = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            requests.put(UUID.randomUUID(), EmailFixtures.address());
        }
        EmailFixtures.smtpRunning(false);
        for (Map.Entry<UUID, String> r : requests.entrySet()) {
            publish(
                    kafka,
                    event(
                            r.getKey(),
                            "user-outage",
                            EmailTemplates.FACTOR_REMOVED,
                            r.getValue(),
                            Map.of("method", "TOTP")));
        }
        // Each request was tried against the stopped server and is queued again for a later try (backoff).
        await().atMost(OUTAGE_WAIT).until(() -> {
            for (UUID id : requests.keySet()) {
                if (EmailFixtures.attempts(id) < 2 || !"PENDING".equals(state(id))) {
                    return false;
                }
            }
            return true;
        });
        for (Map.Entry<UUID, String> r : requests.entrySet()) {
            assertThat(mailsTo(r.getValue())).isEmpty();
            assertThat(statusEvents(r.getKey())).isEmpty();
        }

        EmailFixtures.smtpRunning(true);
        await().atMost(OUTAGE_WAIT).until(() -> {
            for (UUID id : requests.keySet()) {
                if (!"SENT".equals(state(id))) {
                    return false;
                }
            }
            return true;
        });
        // SENT is final and the row is the only one per request id: no later send can change these counts.
        for (Map.Entry<UUID, String> r : requests.entrySet()) {
            assertThat(mailsTo(r.getValue())).hasSize(1);
            assertThat(statusEvents(r.getKey())).extracting(Map.Entry::getKey).containsExactly(EventTypes.EMAIL_SENT);
        }
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .contains("mfa_notification_email_retries_total")
                .contains("mfa_notification_emails_total{outcome=\"sent\",template=\"factor-removed\"}");

        assertNoAddressLogged(new ArrayList<>(requests.values()));
    }

    @Test
    void refusalsAndCapsLogTheRequestButNeverTheAddress() throws Exception {
        String to = EmailFixtures.address();
        UUID refused = UUID.randomUUID();
        publish(kafka, event(refused, "user-log", EmailTemplates.FACTOR_ADDED, to, Map.of("method", "FAX")));
        List<UUID> capped = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // test cap: 4 per recipient per hour
            UUID id = UUID.randomUUID();
            capped.add(id);
            publish(kafka, event(id, "user-log", EmailTemplates.ACCOUNT_LOCKED, to, Map.of()));
        }
        String badAddress = "not-an-address-" + UUID.randomUUID().toString().substring(0, 8);
        UUID invalidAddress = UUID.randomUUID();
        publish(kafka, event(invalidAddress, "user-log", EmailTemplates.ACCOUNT_LOCKED, badAddress, Map.of()));
        await().atMost(OUTAGE_WAIT)
                .until(() -> "FAILED".equals(state(refused))
                        && "FAILED".equals(state(invalidAddress))
                        && "FAILED".equals(state(capped.get(4))));
        assertThat(logs.lines()).as("the capture saw the service's logs").anyMatch(l -> l.contains(refused.toString()));
        assertThat(logs.lines()).anyMatch(l -> l.contains("per-recipient cap reached"));
        assertNoAddressLogged(List.of(to, badAddress));
    }

    private void assertNoAddressLogged(List<String> addresses) {
        for (String line : logs.lines()) {
            for (String address : addresses) {
                String local = address.contains("@") ? address.substring(0, address.indexOf('@')) : address;
                assertThat(line).doesNotContain(local);
            }
        }
    }
}
