package dev.mfa.notification;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.MailServerTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps =
                        c.prepareStatement("select state, attempts, failure_reason, last_error, template, "
                                + "recipient, recipient_hash, params from email_request where request_id = ?")) {
            ps.setObject(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    m.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return Optional.of(m);
            }
        }
    }

    public static String state(UUID requestId) throws Exception {
        return row(requestId).map(r -> (String) r.get("state")).orElse(null);
    }

    public static int attempts(UUID requestId) throws Exception {
        return row(requestId).map(r -> (Integer) r.get("attempts")).orElse(0);
    }

    /** mfa.email-status events the service wrote to its outbox for a request, oldest first: type → data. */
    public static List<Map.Entry<String, JsonNode>> statusEvents(UUID requestId) throws Exception {
        List<Map.Entry<String, JsonNode>> events = new ArrayList<>();
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement(
                        "select payload from outbox_event where topic = ? and payload like ? order by seq")) {
            ps.setString(1, Topics.EMAIL_STATUS);
            ps.setString(2, "%" + requestId + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    CloudEvent e = SmsFixtures.CODEC.decode(rs.getString(1));
                    events.add(Map.entry(e.type(), e.data()));
                }
            }
        }
        return events;
    }
}
