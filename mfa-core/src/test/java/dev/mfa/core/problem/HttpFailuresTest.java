package dev.mfa.core.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.HttpException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP-layer failures on a real Vert.x router and server (in process, random port). */
class HttpFailuresTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long LIMIT = 64;

    private static Vertx vertx;
    private static HttpServer server;
    // HTTP/1.1 like the gateway: the JDK client otherwise tries an h2c upgrade, and the 413's "Connection: close"
    // then surfaces as a GOAWAY instead of the response.
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        HttpFailures.install(router, OptionalLong.of(LIMIT), MAPPER);
        router.post("/echo")
                .handler(ctx ->
                        ctx.request().body().onSuccess(b -> ctx.response().end(b)));
        router.get("/bad").handler(ctx -> ctx.fail(400));
        router.get("/gone").handler(ctx -> ctx.fail(new HttpException(410)));
        router.get("/boom").handler(ctx -> ctx.fail(new IllegalStateException("secret 123456")));
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + server.actualPort() + path));
    }

    private static JsonNode problem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue(Problem.MEDIA_TYPE);
        JsonNode body = MAPPER.readTree(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("type").asText()).startsWith(Problem.TYPE_PREFIX);
        assertThat(body.path("title").asText()).isNotBlank();
        return body;
    }

    @Test
    void aBodyOverTheLimitIsA413ProblemThatQuotesNothing() throws Exception {
        String secret = "password-" + "9".repeat(100);
        HttpResponse<String> response = send(at("/echo").POST(HttpRequest.BodyPublishers.ofString(secret)));
        JsonNode body = problem(response, 413);
        assertThat(body.path("type").asText()).endsWith("payload-too-large");
        assertThat(response.body()).doesNotContain("password-");
        assertThat(response.headers().firstValue("connection")).hasValue("close");
    }

    @Test
    void aBodyWithinTheLimitGoesThrough() throws Exception {
        HttpResponse<String> response = send(at("/echo").POST(HttpRequest.BodyPublishers.ofString("x".repeat(64))));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("x".repeat(64));
    }

    @Test
    void aChunkedBodyIsLeftToTheReader() throws Exception {
        // No Content-Length: nothing to check up front (the body reader enforces the limit while reading).
        HttpResponse<String> response = send(at("/echo")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream("small".getBytes(StandardCharsets.UTF_8)))));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("small");
    }

    @Test
    void aStatusOnlyFailureIsAProblem() throws Exception {
        JsonNode body = problem(send(at("/bad").GET()), 400);
        assertThat(body.path("type").asText()).endsWith("/malformed-request");
        assertThat(problem(send(at("/gone").GET()), 410).path("type").asText()).endsWith("/gone");
    }

    @Test
    void exceptionsAreLeftToTheirOwnHandlers() throws Exception {
        HttpResponse<String> response = send(at("/boom").GET());
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("content-type").orElse("")).doesNotContain("problem");
        assertThat(response.body()).doesNotContain("123456");
    }
}
