package dev.mfa.systemtests.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The Vonage SMS stub of the local stack (port 8089): what it received ({@code GET /_stub/messages}) and scripted
 * failures ({@code /_stub/behaviour}, see {@code dev.mfa.localstack.StubBehaviour}).
 */
public final class Stub {

    private static final Pattern CODE = Pattern.compile("(?<![0-9])([0-9]{6})(?![0-9])");

    private Stub() {}

    /** Every message the stub accepted, oldest first. */
    public static List<JsonNode> messages() {
        Http.Reply r = Http.get(Platform.STUB_URL + "/_stub/messages").send();
        if (r.status() != 200) {
            throw new AssertionError("stub messages: " + r);
        }
        List<JsonNode> list = new ArrayList<>();
        r.json().forEach(list::add);
        return list;
    }

    /** Messages to one number (E.164; the stub records it as sent, with or without the plus). */
    public static List<JsonNode> messagesTo(String e164) {
        String digits = e164.replace("+", "");
        return messages().stream()
                .filter(m -> m.path("to").asText("").replace("+", "").equals(digits))
                .toList();
    }

    /** Waits for the {@code n}-th message (1-based) to the number and returns the 6-digit code in its text. */
    public static String awaitCode(String e164, int n, Duration timeout) {
        List<JsonNode> got = new ArrayList<>();
        Awaitility.await("SMS #" + n + " to a test number")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    List<JsonNode> to = messagesTo(e164);
                    got.clear();
                    got.addAll(to);
                    return to.size() >= n;
                });
        Matcher m = CODE.matcher(got.get(n - 1).path("text").asText(""));
        if (!m.find()) {
            throw new AssertionError("no 6-digit code in the SMS text");
        }
        Secrets.code(m.group(1));
        return m.group(1);
    }

    /** From now on every send attempt answers this HTTP status, until {@link #heal()}. */
    public static void failWithHttp(int status) {
        Http.Reply r = Http.post(Platform.STUB_URL + "/_stub/behaviour")
                .json(Map.of("responses", List.of(Map.of("httpStatus", status, "times", 100_000)), "append", false))
                .send();
        if (r.status() != 200) {
            throw new AssertionError("stub behaviour: " + r);
        }
    }

    public static void heal() {
        Http.Reply r = Http.delete(Platform.STUB_URL + "/_stub/behaviour").send();
        if (r.status() != 204) {
            throw new AssertionError("stub behaviour reset: " + r);
        }
    }

    public static Duration defaultWait() {
        return Duration.ofSeconds(60);
    }
}
