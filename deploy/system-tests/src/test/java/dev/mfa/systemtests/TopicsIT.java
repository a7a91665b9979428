package dev.mfa.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Topics;
import dev.mfa.systemtests.support.EventLog;
import dev.mfa.systemtests.support.Platform;
import dev.mfa.systemtests.support.Secrets;
import dev.mfa.systemtests.support.SystemTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last: every topic read back by a plain consumer holds CloudEvents 1.0 in structured mode, keyed by the user
 * or org, with secrets, phone numbers and codes only as ciphertexts — checked against every value the other tests
 * used. The dead-letter topics are empty, and the services' logs hold none of those values either.
 */
@SystemTest
@Order(10)
@DisplayName("Topics and logs")
class TopicsIT {

    /** Event types whose record key is the org id; every other type is keyed by the user id. */
    private static final Set<String> ORG_EVENTS =
            Set.of(EventTypes.ORG_POLICY_CHANGED, EventTypes.DEADLINE_APPROACHING, EventTypes.DEADLINE_REACHED);

    private static final Map<String, Set<String>> TYPES = Map.of(
            Topics.IDENTITY_USERS, Set.of(EventTypes.USER_UPSERTED, EventTypes.USER_REMOVED),
            Topics.FACTORS,
                    Set.of(
                            EventTypes.FACTOR_ENROLLED,
                            EventTypes.FACTOR_REMOVED,
                            EventTypes.RECOVERY_CODE_ISSUED,
                            EventTypes.RECOVERY_CODE_REVOKED),
            Topics.ORG_POLICIES, Set.of(EventTypes.ORG_POLICY_CHANGED),
            Topics.DEADLINES, Set.of(EventTypes.DEADLINE_APPROACHING, EventTypes.DEADLINE_REACHED),
            Topics.USER_REQUIREMENTS, Set.of(EventTypes.USER_REQUIREMENT_CHANGED),
            Topics.SMS_REQUESTS, Set.of(EventTypes.SMS_REQUESTED),
            Topics.SMS_STATUS, Set.of(EventTypes.SMS_SENT, EventTypes.SMS_DELIVERED, EventTypes.SMS_FAILED),
            Topics.VERIFICATIONS,
                    Set.of(
                            EventTypes.VERIFICATION_SUCCEEDED,
                            EventTypes.VERIFICATION_FAILED,
                            EventTypes.USER_LOCKED,
                            EventTypes.RECOVERY_CODE_USED));
    /** Data fields that may only travel as field-cipher ciphertexts. */
    private static final List<String> ENCRYPTED = List.of("totpSecret", "phone", "to", "code");

    @Test
    @Order(1)
    @DisplayName("every record of every topic is a structured CloudEvent without a secret in clear; DLQs are empty")
    void everyTopic() {
        Set<String> topics = EventLog.allTopics();
        assertThat(topics).containsAll(Topics.ALL);
        List<String> problems = new ArrayList<>();
        int records = 0;
        for (String topic : topics) {
            List<EventLog.Event> events = EventLog.topic(topic).events();
            records += events.size();
            if (topic.endsWith(".dlq")) {
                events.forEach(e -> problems.add("dead-lettered: " + e));
                continue;
            }
            for (EventLog.Event e : events) {
                problems.addAll(check(e).stream().map(p -> e + ": " + p).toList());
            }
        }
        assertThat(records).isGreaterThan(0);
        assertThat(Secrets.count()).as("secret values the tests used").isGreaterThan(10);
        assertThat(problems).as("records checked: " + records).isEmpty();
    }

    @Test
    @Order(2)
    @DisplayName("the services' logs hold no password, secret, phone number or code in clear")
    void logs() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String svc : Platform.SERVICES) {
            for (Path log : List.of(
                    Platform.get().serviceLog(svc),
                    Platform.get().serviceLog(svc).resolveSibling(svc + ".log.1"))) {
                if (!Files.isRegularFile(log)) {
                    continue;
                }
                int n = 0;
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    n++;
                    List<String> leaks = Secrets.leaks(line);
                    if (!leaks.isEmpty()) {
                        problems.add(log.getFileName() + ":" + n + " " + leaks);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static List<String> check(EventLog.Event e) {
        List<String> p = new ArrayList<>();
        JsonNode j = e.json();
        if (j == null || !j.isObject()) {
            p.add("value is not a JSON object");
            return p;
        }
        if (!"1.0".equals(j.path("specversion").asText())) {
            p.add("specversion " + j.path("specversion"));
        }
        try {
            UUID.fromString(j.path("id").asText());
        } catch (IllegalArgumentException ex) {
            p.add("id is not a UUID");
        }
        if (!j.path("source").asText("").startsWith("/")) {
            p.add("source " + j.path("source"));
        }
        Set<String> types = TYPES.get(e.topic());
        if (types != null && !types.contains(e.type())) {
            p.add("unexpected type " + e.type());
        }
        try {
            Instant.parse(j.path("time").asText());
        } catch (DateTimeParseException ex) {
            p.add("time " + j.path("time"));
        }
        if (!"application/json".equals(j.path("datacontenttype").asText())) {
            p.add("datacontenttype " + j.path("datacontenttype"));
        }
        if (!j.path("data").isObject()) {
            p.add("data is not an object");
            return p;
        }
        String expectedKey = ORG_EVENTS.contains(e.type()) ? e.dataText("orgId") : e.dataText("userId");
        if (expectedKey == null || !expectedKey.equals(e.key())) {
            p.add("record key " + e.key() + " is not the " + (ORG_EVENTS.contains(e.type()) ? "org" : "user") + " id");
        }
        if (j.hasNonNull("subject") && !j.path("subject").asText().equals(e.key())) {
            p.add("subject differs from the record key");
        }
        for (String field : ENCRYPTED) {
            String v = e.dataText(field);
            if (v != null && !v.matches("v1:[A-Za-z0-9._-]+:[A-Za-z0-9+/=]+")) {
                p.add(field + " is not a v1 ciphertext");
            }
        }
        List<String> leaks = Secrets.leaks(e.value());
        if (!leaks.isEmpty()) {
            p.add("secret in clear: " + leaks);
        }
        return p;
    }
}
