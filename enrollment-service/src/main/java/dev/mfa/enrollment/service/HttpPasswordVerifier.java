package dev.mfa.enrollment.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Production password verifier: asks the identity provider. {@code POST <url>} with
 * {@code {"userId","password"}} (application/json); {@code 200 {"valid":true|false}}. Any other answer is an
 * error (503 to the caller), never a success. See docs/enrollment.md.
 */
public final class HttpPasswordVerifier implements PasswordVerifier {

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;
    private final ObjectMapper mapper = new ObjectMapper();

    public HttpPasswordVerifier(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public boolean verify(String userId, char[] password) {
        try {
            byte[] body = mapper.writeValueAsBytes(Map.of("userId", userId, "password", new String(password)));
            HttpRequest request = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<String> response =
                    client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new PasswordCheckUnavailable("identity provider answered " + response.statusCode());
            }
            JsonNode valid = mapper.readTree(response.body()).get("valid");
            if (valid == null || !valid.isBoolean()) {
                throw new PasswordCheckUnavailable("identity provider answer has no boolean 'valid'");
            }
            return valid.booleanValue();
        } catch (IOException e) {
            throw new PasswordCheckUnavailable(
                    "identity provider unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PasswordCheckUnavailable("interrupted");
        }
    }

    /** The password could not be checked; the caller answers 503. */
    public static final class PasswordCheckUnavailable extends RuntimeException {
        public PasswordCheckUnavailable(String message) {
            super(message, null, false, false);
        }
    }
}
