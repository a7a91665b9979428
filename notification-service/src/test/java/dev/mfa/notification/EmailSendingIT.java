package dev.mfa.notification;

import static dev.mfa.notification.EmailFixtures.event;
import static dev.mfa.notification.EmailFixtures.mailsTo;
import static dev.mfa.notification.EmailFixtures.publish;
import static dev.mfa.notification.EmailFixtures.state;
import static dev.mfa.notification.EmailFixtures.statusEvents;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Topics;
import dev.mfa.notification.domain.EmailTemplate;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** mfa.email.requested → the real mailer → GreenMail over SMTP: rendering, status events, dedupe, refusals, DLQ. */
@QuarkusTest
class EmailSendingIT extends KafkaCase {

    @Test
    void sendsTextAndHtmlThroughOneLayoutAndPublishesSent() throws Exception {
        UUID requestId = UUID.randomUUID();
        String to = EmailFixtures.address();
        publish(
                kafka,
                event(
                        requestId,
                        "user-mail",
                        EmailTemplates.DEADLINE_APPROACHING,
                        to,
                        Map.of("deadline", "2026-12-18", "daysLeft", "14")));

        await().atMost(WAIT).until(() -> "SENT".equals(state(requestId)));
        List<Map<String, Object>> mails = mailsTo(to);
        assertThat(mails).hasSize(1);
        Map<String, Object> mail = mails.get(0);
        assertThat(mail.get("subject")).isEqualTo("MFA Platform: Set up two-step verification before 18 December 2026");
        assertThat((String) mail.get("text"))
                .contains("from 18 December 2026 (14 days from now)")
                .contains("Secure your account: http://localhost:8080/")
                .contains("We never ask for your codes"); // the layout's footer
        assertThat((String) mail.get("html"))
                .contains("<strong>18 December 2026</strong>")
                .contains("href=\"http://localhost:8080/\"")
                .contains("We never ask for your codes");
        assertThat(mail.get("messageId")).isEqualTo("<" + requestId + "@mfa-notification>");
        assertThat(mail.get("from")).asString().contains("no-reply@mfa.local");

        var row = EmailFixtures.row(requestId).orElseThrow();
        assertThat(row.get("recipient")).isNull();
        assertThat(row.get("params")).isEqualTo("{}");
        assertThat(statusEvents(requestId)).extracting(Map.Entry::getKey).containsExactly(EventTypes.EMAIL_SENT);

        // mfa.email.sent reaches the broker keyed by the user, without the address.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            var sent = kafka
                    .consumeStrings()
                    .fromTopics(Set.of(Topics.EMAIL_STATUS), Duration.ofSeconds(5))
                    .awaitCompletion()
                    .getRecords()
                    .stream()
                    .filter(r -> r.value().contains(requestId.toString()))
                    .toList();
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0).key()).isEqualTo("user-mail");
            assertThat(sent.get(0).value()).doesNotContain(to).doesNotContain(to.substring(0, to.indexOf('@')));
            CloudEvent e = SmsFixtures.CODEC.decode(sent.get(0).value());
            assertThat(e.type()).isEqualTo(EventTypes.EMAIL_SENT);
            assertThat(e.data().get("template").asText()).isEqualTo(EmailTemplates.DEADLINE_APPROACHING);
        });
    }

    @Test
    void everyTemplateRendersWithItsParams() throws Exception {
        Map<String, String> sample = Map.of(
                "deadline",
                "2026-12-18",
                "daysLeft",
                "7",
                "method",
                "SMS",
                "phoneMasked",
                "+1 ••• ••• ••01",
                "at",
                "2026-12-04T10:15:30Z",
                "until",
                "2026-12-20",
                "lockedUserId",
                "bob.smith");
        Map<UUID, String> sentTo = new HashMap<>();
        Map<UUID, EmailTemplate> templates = new HashMap<>();
        for (EmailTemplate t : EmailTemplate.values()) {
            Map<String, String> params = new HashMap<>();
            t.required().forEach(k -> params.put(k, sample.get(k)));
            t.optional().forEach(k -> params.put(k, sample.get(k)));
            UUID id = UUID.randomUUID();
            String to = EmailFixtures.address();
            sentTo.put(id, to);
            templates.put(id, t);
            publish(kafka, event(id, "user-all", t.id(), to, params));
        }
        for (UUID id : sentTo.keySet()) {
            await().atMost(WAIT).until(() -> "SENT".equals(state(id)));
            List<Map<String, Object>> mails = mailsTo(sentTo.get(id));
            assertThat(mails).as(templates.get(id).id()).hasSize(1);
            String text = (String) mails.get(0).get("text");
            String html = (String) mails.get(0).get("html");
            assertThat(text)
                    .as(templates.get(id).id())
                    .isNotBlank()
                    .doesNotContain("{")
                    .doesNotContain("NOT_FOUND")
                    .contains("We never ask for your codes");
            assertThat(html)
                    .as(templates.get(id).id())
                    .startsWith("<!DOCTYPE html>")
                    .doesNotContain("NOT_FOUND");
        }
        UUID factorAdded = templates.entrySet().stream()
                .filter(e -> e.getValue() == EmailTemplate.FACTOR_ADDED)
                .findFirst()
                .orElseThrow()
                .getKey();
        assertThat((String) mailsTo(sentTo.get(factorAdded)).get(0).get("text"))
                .contains("text message (SMS) (+1 ••• ••• ••01), on 4 December 2026, 10:15 UTC");

        // Markup in the only free-form param (a user id) is refused, so no value can inject HTML.
        UUID markup = UUID.randomUUID();
        String to = EmailFixtures.address();
        publish(
                kafka,
                event(
                        markup,
                        "admin-1",
                        EmailTemplates.ADMIN_USER_LOCKED,
                        to,
                        Map.of("lockedUserId", "<a href=x>bob</a>")));
        await().atMost(WAIT).until(() -> "FAILED".equals(state(markup)));
        assertThat(EmailFixtures.row(markup).orElseThrow().get("failure_reason"))
                .isEqualTo("invalid_params");
        assertThat(mailsTo(to)).isEmpty();
    }

    @Test
    void redeliveredEventAndRepeatedRequestIdSendOnlyOnce() throws Exception {
        UUID requestId = UUID.randomUUID();
        String to = EmailFixtures.address();
        CloudEvent first = event(requestId, "user-dup", EmailTemplates.FACTOR_ADDED, to, Map.of("method", "TOTP"));
        // The same record twice (redelivery), then a new event id carrying the same request id (producer retry).
        CloudEvent again = event(requestId, "user-dup", EmailTemplates.FACTOR_ADDED, to, Map.of("method", "TOTP"));
        publish(kafka, first, first, again);

        // Once the only row of this request id is SENT (final) and every event was processed, no second send can
        // ever happen: the assertions below cannot pass by timing.
        await().atMost(WAIT)
                .until(() -> "SENT".equals(state(requestId))
                        && SmsFixtures.processedCount(again.id()) == 1
                        && SmsFixtures.processedCount(first.id()) == 1);
        assertThat(mailsTo(to)).hasSize(1);
        assertThat(EmailFixtures.attempts(requestId)).isEqualTo(1);
        assertThat(statusEvents(requestId)).extracting(Map.Entry::getKey).containsExactly(EventTypes.EMAIL_SENT);
    }

    @Test
    void refusedRequestsFailAtOnceWithTheirReasonAndSendNothing() throws Exception {
        String to = EmailFixtures.address();
        UUID unknown = UUID.randomUUID();
        UUID secretParam = UUID.randomUUID();
        UUID badAddress = UUID.randomUUID();
        UUID missing = UUID.randomUUID();
        publish(
                kafka,
                event(unknown, "user-ref", "password-reset", to, Map.of()),
                event(
                        secretParam,
                        "user-ref",
                        EmailTemplates.FACTOR_ADDED,
                        to,
                        Map.of("method", "SMS", "code", "123456")),
                event(badAddress, "user-ref", EmailTemplates.ACCOUNT_LOCKED, "a@b.test\r\nBcc: x@y.test", Map.of()),
                event(missing, "user-ref", EmailTemplates.EXEMPTION_ENDING, to, Map.of()));

        await().atMost(WAIT)
                .until(() -> "FAILED".equals(state(unknown))
                        && "FAILED".equals(state(secretParam))
                        && "FAILED".equals(state(badAddress))
                        && "FAILED".equals(state(missing)));
        assertThat(reason(unknown)).isEqualTo("unknown_template");
        assertThat(reason(secretParam)).isEqualTo("invalid_params");
        assertThat(reason(badAddress)).isEqualTo("invalid_address");
        assertThat(reason(missing)).isEqualTo("invalid_params");
        for (UUID id : List.of(unknown, secretParam, badAddress, missing)) {
            var events = statusEvents(id);
            assertThat(events).extracting(Map.Entry::getKey).containsExactly(EventTypes.EMAIL_FAILED);
            assertThat(events.get(0).getValue().get("permanent").asBoolean()).isTrue();
            assertThat(EmailFixtures.row(id).orElseThrow().get("recipient")).isNull();
        }
        // Refused at intake: nothing was ever handed to the SMTP server for these.
        assertThat(mailsTo(to)).isEmpty();
        assertThat(mailsTo("x@y.test")).isEmpty();
    }

    @Test
    void perRecipientCapRefusesTheFifthWithinTheHour() throws Exception {
        String to = EmailFixtures.address(); // test cap: 4 per recipient per hour
        List<UUID> ids =
                List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        for (UUID id : ids) {
            publish(kafka, event(id, "user-cap", EmailTemplates.RECOVERY_CODE_USED, to, Map.of()));
        }
        await().atMost(WAIT).until(() -> {
            for (UUID id : ids) {
                String s = state(id);
                if (!"SENT".equals(s) && !"FAILED".equals(s)) {
                    return false;
                }
            }
            return true;
        });
        for (UUID id : ids.subList(0, 4)) {
            assertThat(state(id)).isEqualTo("SENT");
        }
        assertThat(reason(ids.get(4))).isEqualTo("rate_limited");
        assertThat(statusEvents(ids.get(4)).get(0).getValue().get("permanent").asBoolean())
                .isFalse();
        assertThat(mailsTo(to)).hasSize(4);
    }

    @Test
    void undecryptableRecordGoesToTheDeadLetterTopic() throws Exception {
        UUID requestId = UUID.randomUUID();
        String payload = SmsFixtures.CODEC.encode(SmsFixtures.CODEC.wrap(
                "/test",
                new dev.mfa.core.events.Events.EmailRequested(
                        requestId,
                        "user-dlq",
                        EmailTemplates.ACCOUNT_LOCKED,
                        "v1:local-dev:bm90LWEtY2lwaGVydGV4dA==",
                        Map.of()),
                java.time.Instant.now()));
        kafka.produceStrings()
                .fromRecords(new ProducerRecord<>(Topics.EMAIL_REQUESTS, "user-dlq", payload))
                .awaitCompletion();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(kafka.consumeStrings()
                                .fromTopics(Set.of(Topics.dlq(Topics.EMAIL_REQUESTS)), Duration.ofSeconds(5))
                                .awaitCompletion()
                                .getRecords())
                        .anyMatch(r -> r.value().contains(requestId.toString())));
        assertThat(EmailFixtures.row(requestId)).isEmpty();
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    private static String reason(UUID id) throws Exception {
        return (String) EmailFixtures.row(id).orElseThrow().get("failure_reason");
    }
}
