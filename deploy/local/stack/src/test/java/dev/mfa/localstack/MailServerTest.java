package dev.mfa.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MailServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private MailServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MailServer(0, 0).start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void receivesOverSmtpAndListsNewestLastWithTextAndHtml() throws Exception {
        send("ann@example.test", "First", "plain one", "<p>html one</p>", "<id-1@mfa.test>");
        send("bob@example.test", "Second", "plain two", null, null);

        JsonNode listed = json.readTree(get("/_stub/mails").body());
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("to").asText()).isEqualTo("ann@example.test");
        assertThat(listed.get(0).get("subject").asText()).isEqualTo("First");
        assertThat(listed.get(0).get("text").asText()).isEqualTo("plain one");
        assertThat(listed.get(0).get("html").asText()).isEqualTo("<p>html one</p>");
        assertThat(listed.get(0).get("messageId").asText()).isEqualTo("<id-1@mfa.test>");
        assertThat(listed.get(0).get("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(listed.get(1).get("to").asText()).isEqualTo("bob@example.test");
        assertThat(listed.get(1).get("text").asText()).isEqualTo("plain two");

        assertThat(json.readTree(get("/_stub/mails?to=bob@example.test").body()))
                .hasSize(1);
        HttpResponse<String> deleted = http.send(
                HttpRequest.newBuilder(uri("/_stub/mails")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(json.readTree(get("/_stub/mails").body())).isEmpty();
    }

    @Test
    void smtpOutageRefusesConnectionsThenRestartsOnTheSamePortKeepingWhatWasReceived() throws Exception {
        int port = server.smtpPort();
        send("ann@example.test", "Before", "before", null, null);

        assertThat(put("/_stub/smtp?running=false").body()).isEqualTo("{\"running\":false}");
        assertThatThrownBy(() -> send("ann@example.test", "During", "during", null, null))
                .isInstanceOf(MessagingException.class);

        assertThat(put("/_stub/smtp?running=true").body()).isEqualTo("{\"running\":true}");
        assertThat(server.smtpPort()).isEqualTo(port);
        send("ann@example.test", "After", "after", null, null);

        JsonNode listed = json.readTree(get("/_stub/mails").body());
        assertThat(listed).extracting(n -> n.get("subject").asText()).containsExactly("Before", "After");
        assertThat(put("/_stub/smtp?running=maybe").statusCode()).isEqualTo(400);
    }

    private void send(String to, String subject, String text, String html, String messageId) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(server.smtpPort()));
        props.put("mail.smtp.connectiontimeout", "2000");
        props.put("mail.smtp.timeout", "2000");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                if (messageId == null) {
                    super.updateMessageID();
                } else {
                    setHeader("Message-ID", messageId);
                }
            }
        };
        message.setFrom(new InternetAddress("noreply@mfa.test"));
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject, "UTF-8");
        if (html == null) {
            message.setText(text, "UTF-8");
        } else {
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text, "UTF-8");
            MimeBodyPart rich = new MimeBodyPart();
            rich.setContent(html, "text/html; charset=UTF-8");
            message.setContent(new MimeMultipart("alternative", plain, rich));
        }
        Transport.send(message);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.httpPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> put(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
