package dev.mfa.notification;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.MailServerTestResource;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/** E-mail requests as producers build them, the mail server's HTTP API, and the service's state for assertions. */
public final class EmailFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EmailFixtures() {}

    /** A fresh address, so that tests never share one (nor its per-recipient cap). */
    public static String address() {
        return "user-" + UUID.randomUUID().toString().substring(0, 13) + "@example.test";
    }

    public static CloudEvent event(
            UUID requestId, String userId, String template, String to, Map<String, String> params) {
        return SmsFixtures.CODEC.wrap(
                "/test",
                new Events.EmailRequested(
                        requestId,
                        userId,
                        template,
                        SmsFixtures.KEYS.seal(dev.mfa.core.crypto.SealedField.EMAIL, userId, to),
                        params),
                Instant.now());
    }

    public static void publish(KafkaCompanion kafka, CloudEvent... events) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (CloudEvent e : events) {
            records.add(new ProducerRecord<>(Topics.EMAIL_REQUESTS, e.subject(), SmsFixtures.CODEC.encode(e)));
        }
        kafka.produceStrings().fromRecords(records).awaitCompletion();
    }

    // ------------------------------------------------------------------------------------ mail server (HTTP)

    public static List<Map<String, Object>> mailsTo(String to) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(MailServerTestResource.httpBaseUrl() + "/_stub/mails?to="
                                + URLEncoder.encode(to, StandardCharsets.UTF_8)))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return JSON.readValue(r.body(), new TypeReference<>() {});
    }

    public static void smtpRunning(boolean running) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(MailServerTestResource.httpBaseUrl() + "/_stub/smtp?running=" + running))
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("mail server answered " + r.statusCode());
        }
    }

    // ------------------------------------------------------------------------------------ database

    public static Optional<Map<String, Object>> row(UUID requestId) throws Exception {
        return QueueRows.row(
                "email_request",
                "state, attempts, failure_reason, last_error, template, recipient, recipient_hash, params",
                requestId);
    }

    public static String state(UUID requestId) throws Exception {
        return row(requestId).map(r -> (String) r.get("state")).orElse(null);
    }

    public static int attempts(UUID requestId) throws Exception {
        return row(requestId).map(r -> (Integer) r.get("attempts")).orElse(0);
    }

    /** mfa.email-status events the service wrote to its outbox for a request, oldest first: type → data. */
    public static List<Map.Entry<String, JsonNode>> statusEvents(UUID requestId) throws Exception {
        return QueueRows.statusEvents(Topics.EMAIL_STATUS, requestId);
    }
}
