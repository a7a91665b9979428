package dev.mfa.notification;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The Vonage stub's own HTTP endpoints ({@code /_stub/*}), as tests see them. */
public final class StubClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private StubClient() {}

    public static String baseUrl() {
        return "http://localhost:" + VonageStubResource.port();
    }

    /** Messages the stub accepted for {@code to} (Vonage format: digits without the plus). */
    public static List<Map<String, Object>> messagesTo(String e164) {
        String to = e164.startsWith("+") ? e164.substring(1) : e164;
        return JSON.convertValue(get("/_stub/messages?to=" + to), new TypeReference<>() {});
    }

    public static List<Map<String, Object>> messages() {
        return JSON.convertValue(get("/_stub/messages"), new TypeReference<>() {});
    }

    /** Replaces the stub's scripted answers, e.g. {@code {"status":"1"}}, {@code {"httpStatus":503,"times":2}}. */
    public static void script(String responsesJson) {
        send("POST", "/_stub/behaviour", "{\"responses\":" + responsesJson + ",\"append\":false}");
    }

    public static void reset() {
        send("DELETE", "/_stub/behaviour", null);
    }

    /** Partial update of the stub's settings (throttling, outage, receipts), e.g. {@code {"throttlePerSecond":30}}. */
    public static void config(String json) {
        int status = send("POST", "/_stub/config", json);
        if (status != 200) {
            throw new IllegalStateException("stub config answered " + status);
        }
    }

    public static void resetConfig() {
        send("DELETE", "/_stub/config", null);
    }

    /** {@code {"accepted","throttled","failed","receiptsPosted","receiptsFailed"}}. */
    public static Map<String, Object> stats() {
        return JSON.convertValue(get("/_stub/stats"), new TypeReference<>() {});
    }

    /** Calls the stub throttled, each with the times of the calls before it ({@code StubThrottle}). */
    public static List<Map<String, Object>> throttles() {
        return JSON.convertValue(get("/_stub/throttles"), new TypeReference<>() {});
    }

    public static void clearThrottles() {
        send("DELETE", "/_stub/throttles", null);
    }

    public static void clearMessages() {
        send("DELETE", "/_stub/messages", null);
    }

    private static Object get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return JSON.readValue(r.body(), Object.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int send(String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
