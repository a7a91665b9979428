package dev.mfa.systemtests.prod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The identity provider's password check as enrollment-service's {@code HttpPasswordVerifier} calls it
 * (docs/enrollment.md, "Password verifier"): {@code POST <path>} with {@code {"userId","password"}} as JSON, answers
 * {@code 200 {"valid":true|false}}; anything else it is sent (wrong method, path, content type, body) answers 400, so
 * a verifier that calls it differently gets an error, never a "valid". Records the user ids it was asked about.
 */
final class IdentityProviderStub implements AutoCloseable {

    static final String PATH = "/api/v1/password-check";

    private final HttpsServer server;
    private final Map<String, byte[]> passwords = new ConcurrentHashMap<>();
    private final List<String> checked = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    /** Serves https with the key in {@code keyStore} (PKCS12): prod refuses a plain-http password check. */
    IdentityProviderStub(Path keyStore, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    void user(String userId, String password) {
        passwords.put(userId, password.getBytes(StandardCharsets.UTF_8));
    }

    /** The user ids of the checks answered, in order. */
    List<String> checked() {
        return List.copyOf(checked);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (!"POST".equals(ex.getRequestMethod())
                    || !PATH.equals(ex.getRequestURI().getPath())
                    || type == null
                    || !type.startsWith("application/json")) {
                respond(ex, 400, "{\"error\":\"POST application/json to " + PATH + " only\"}");
                return;
            }
            JsonNode body;
            try {
                body = json.readTree(ex.getRequestBody());
            } catch (IOException e) {
                respond(ex, 400, "{\"error\":\"not JSON\"}");
                return;
            }
            if (body == null
                    || !body.path("userId").isTextual()
                    || !body.path("password").isTextual()) {
                respond(ex, 400, "{\"error\":\"userId and password are required strings\"}");
                return;
            }
            String userId = body.get("userId").asText();
            byte[] known = passwords.get(userId);
            boolean valid = known != null
                    && MessageDigest.isEqual(
                            known, body.get("password").asText().getBytes(StandardCharsets.UTF_8));
            checked.add(userId);
            respond(ex, 200, "{\"valid\":" + valid + "}");
        }
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
