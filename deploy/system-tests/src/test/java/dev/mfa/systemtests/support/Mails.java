package dev.mfa.systemtests.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * The local stack's mail server (GreenMail; SMTP 2525, HTTP 8025): what it received ({@code GET /_stub/mails},
 * CONTRACT §1) and an SMTP outage ({@code PUT /_stub/smtp?running=}). A mail's {@code messageId} is
 * {@code <requestId@mfa-notification>}, so each mail is traced back to its {@code mfa.email.requested} event.
 */
public final class Mails {

    private Mails() {}

    /** Every mail received, oldest first (one entry per recipient). */
    public static List<JsonNode> all() {
        Http.Reply r = Http.get(Platform.MAIL_URL + "/_stub/mails").send();
        if (r.status() != 200) {
            throw new AssertionError("mail server listing: " + r);
        }
        List<JsonNode> list = new ArrayList<>();
        r.json().forEach(list::add);
        return list;
    }

    public static List<JsonNode> to(String address) {
        return all().stream()
                .filter(m -> address.equalsIgnoreCase(m.path("to").asText()))
                .toList();
    }

    /** Waits until at least {@code count} mails match, and returns the matches. */
    public static List<JsonNode> await(String what, Predicate<JsonNode> filter, int count, Duration timeout) {
        List<JsonNode> got = new ArrayList<>();
        Awaitility.await(what)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    got.clear();
                    all().stream().filter(filter).forEach(got::add);
                    return got.size() >= count;
                });
        return List.copyOf(got);
    }

    /** The request id a mail answers (from its {@code Message-ID}), or null. */
    public static String requestId(JsonNode mail) {
        String id = mail.path("messageId").asText("");
        int at = id.indexOf('@');
        return at < 0 ? null : id.substring(id.startsWith("<") ? 1 : 0, at);
    }

    /**
     * The template of each mail to {@code user}, by its request's {@code mfa.email.requested} event, in the order
     * received; a mail whose request is not on the topic shows as {@code ?}.
     */
    public static List<String> templatesTo(TestUser user) {
        Map<String, String> templateByRequest = new TreeMap<>();
        EventLog.topic(Topics.EMAIL_REQUESTS)
                .events(e -> EventTypes.EMAIL_REQUESTED.equals(e.type())
                        && user.userId().equals(e.dataText("userId")))
                .forEach(e -> templateByRequest.put(e.dataText("requestId"), e.dataText("template")));
        return to(user.email()).stream()
                .map(m -> templateByRequest.getOrDefault(requestId(m), "?"))
                .toList();
    }

    /** Stops ({@code false}) or restarts ({@code true}) the SMTP listener: connections are refused meanwhile. */
    public static void smtpRunning(boolean running) {
        Http.Reply r =
                Http.put(Platform.MAIL_URL + "/_stub/smtp?running=" + running).send();
        if (r.status() != 200 || r.json().path("running").asBoolean() != running) {
            throw new AssertionError("mail server smtp running=" + running + ": " + r);
        }
    }
}
