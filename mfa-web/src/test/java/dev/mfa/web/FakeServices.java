package dev.mfa.web;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Stand-ins for enrollment-service and verification-service: each answers what the edge forwarded (headers, path)
 * and, for the calls whose answers carry tokens, the contract's answer. Also writes the dev sign-in's password file.
 */
public class FakeServices implements QuarkusTestResourceLifecycleManager {

    static final ConcurrentLinkedDeque<JsonObject> SEEN = new ConcurrentLinkedDeque<>();
    static final String ASSERTION = jwt(Instant.now().plusSeconds(600).getEpochSecond());

    private Vertx vertx;

    static String jwt(long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"alice\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8))
                + ".sig";
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        int enrollment = listen("enrollment");
        int verification = listen("verification");
        try {
            Path hashes = Files.createTempFile("password-hashes", ".json");
            Files.writeString(
                    hashes,
                    new JsonObject()
                            .put("alice", DevIdentityProvider.hash("alice-pw".toCharArray(), new byte[16], 1000))
                            .put("boss", DevIdentityProvider.hash("boss-pw".toCharArray(), new byte[16], 1000))
                            .encode());
            // The prod profile (OidcSignInTest) reads the URLs from the variables the k8s overlay sets.
            return Map.of(
                    "mfa.web.enrollment-url",
                    "http://localhost:" + enrollment,
                    "mfa.web.verification-url",
                    "http://localhost:" + verification,
                    "MFA_ENROLLMENT_URL",
                    "http://localhost:" + enrollment,
                    "MFA_VERIFICATION_URL",
                    "http://localhost:" + verification,
                    "mfa.web.dev-login.directory",
                    Path.of("src/test/resources/test-seed.json")
                            .toAbsolutePath()
                            .toString(),
                    "mfa.web.dev-login.password-file",
                    hashes.toString(),
                    "mfa.web.dev-login.signing-key",
                    Path.of("../deploy/local/dev-jwt-private.pem")
                            .toAbsolutePath()
                            .toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int listen(String name) {
        HttpServer server = vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    JsonObject seen = new JsonObject()
                            .put("service", name)
                            .put("method", req.method().name())
                            .put("uri", req.uri());
                    req.headers().forEach(h -> seen.put(h.getKey().toLowerCase(), h.getValue()));
                    SEEN.add(seen);
                    String path = req.path();
                    JsonObject answer;
                    int status = 200;
                    if (path.equals("/api/v1/me/reauth")) {
                        answer = new JsonObject()
                                .put("reauthToken", "reauth-1")
                                .put("expiresAt", Instant.now().plusSeconds(300).toString());
                    } else if (path.equals("/api/v1/challenges")) {
                        status = 201;
                        answer = new JsonObject()
                                .put("challengeId", "c1")
                                .put("methods", new io.vertx.core.json.JsonArray().add("TOTP"));
                    } else if (path.equals("/api/v1/challenges/c1/verify")) {
                        answer = new JsonObject()
                                .put("verified", true)
                                .put("assertion", ASSERTION)
                                .put("recoveryCodeUsed", false);
                    } else {
                        answer = new JsonObject().put("service", name);
                    }
                    req.response()
                            .setStatusCode(status)
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Cache-Control", "max-age=3600")
                            .end(answer.encode());
                }));
        try {
            return server.listen(0)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .actualPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
