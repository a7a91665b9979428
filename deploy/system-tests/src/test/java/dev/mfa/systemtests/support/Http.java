package dev.mfa.systemtests.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The public REST API through {@link HttpClient} (HTTP/1.1, like a gateway in front of the services). */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    public static final String PROBLEM_JSON = "application/problem+json";

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Http() {}

    /** An answer: status, headers and body. */
    public record Reply(
            String method, String url, String request, int status, Map<String, List<String>> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + this, e);
            }
        }

        public String contentType() {
            List<String> values = headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase("content-type"))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(List.of());
            return values.isEmpty() ? "" : values.get(0);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().isEmpty() ? null : e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        public boolean isProblem() {
            return contentType().startsWith(PROBLEM_JSON);
        }

        /** The problem's slug: the last path segment of {@code type}. */
        public String problemType() {
            String type = json().path("type").asText("");
            return type.substring(type.lastIndexOf('/') + 1);
        }

        @Override
        public String toString() {
            String t = text();
            return method + " " + url + (request.isEmpty() ? "" : " " + request) + " -> " + status + " " + contentType()
                    + " " + (t.length() > 600 ? t.substring(0, 600) + "..." : t);
        }
    }

    public static Request get(String url) {
        return new Request("GET", url);
    }

    public static Request post(String url) {
        return new Request("POST", url);
    }

    public static Request put(String url) {
        return new Request("PUT", url);
    }

    public static Request delete(String url) {
        return new Request("DELETE", url);
    }

    public static Request method(String method, String url) {
        return new Request(method, url);
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A request being built. */
    public static final class Request {
        private final String method;
        private final String url;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body;

        private Request(String method, String url) {
            this.method = method;
            this.url = url;
        }

        public Request bearer(String token) {
            return token == null ? this : header("Authorization", "Bearer " + token);
        }

        public Request header(String name, String value) {
            if (value != null) {
                headers.put(name, value);
            }
            return this;
        }

        /** A JSON body: a String is sent as it is (malformed on purpose, maybe), anything else serialised. */
        public Request json(Object value) {
            header("Content-Type", "application/json");
            return body(value instanceof String s ? s : Http.json(value));
        }

        public Request body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        public Request body(byte[] bytes) {
            this.body = bytes;
            return this;
        }

        /** The request body as a failure message may quote it: short, secrets masked. */
        private String excerpt() {
            if (body == null || body.length == 0) {
                return "";
            }
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            text = Secrets.mask(text);
            return "'" + (text.length() > 60 ? text.substring(0, 60) + "…(" + body.length + " bytes)" : text) + "'";
        }

        public Reply send() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .timeout(TIMEOUT)
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            try {
                HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                return new Reply(
                        method, url, excerpt(), r.statusCode(), r.headers().map(), r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + url + " failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
