package dev.mfa.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vonage.client.HttpConfig;
import com.vonage.client.VonageClient;
import com.vonage.client.sms.MessageStatus;
import com.vonage.client.sms.SmsSubmissionResponse;
import com.vonage.client.sms.messages.TextMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VonageStubTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private VonageStub stub;

    @BeforeEach
    void start() throws Exception {
        stub = new VonageStub(0).start();
    }

    @AfterEach
    void stop() {
        stub.stop();
    }

    @Test
    void answersFormEncodedRequestLikeVonageAndListsIt() throws Exception {
        HttpResponse<String> r = post(
                "/sms/json",
                "application/x-www-form-urlencoded",
                "api_key=k&api_secret=s&from=MFA&to=14155550100&text=Your+code+is+123456&client-ref=req-1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("message-count").asText()).isEqualTo("1");
        JsonNode m = body.get("messages").get(0);
        assertThat(m.get("to").asText()).isEqualTo("14155550100");
        assertThat(m.get("status").asText()).isEqualTo("0");
        assertThat(m.get("message-id").asText()).isNotBlank();
        assertThat(m.get("remaining-balance").asText()).isEqualTo("10.0");
        assertThat(m.get("message-price").asText()).isEqualTo("0.03");
        assertThat(m.get("network").asText()).isEqualTo("12345");
        assertThat(m.get("client-ref").asText()).isEqualTo("req-1");

        post(
                "/sms/json",
                "application/json",
                "{\"api_key\":\"k\",\"api_secret\":\"s\",\"from\":\"MFA\",\"to\":\"447700900000\",\"text\":\"second\"}");

        JsonNode listed = json.readTree(get("/_stub/messages").body());
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("to").asText()).isEqualTo("14155550100");
        assertThat(listed.get(0).get("from").asText()).isEqualTo("MFA");
        assertThat(listed.get(0).get("text").asText()).isEqualTo("Your code is 123456");
        assertThat(listed.get(0).get("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(listed.get(1).get("text").asText()).isEqualTo("second");
        assertThat(json.readTree(get("/_stub/messages?to=447700900000").body())).hasSize(1);

        HttpResponse<String> deleted = http.send(
                HttpRequest.newBuilder(uri("/_stub/messages")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(stub.messages()).isEmpty();
    }

    @Test
    void badCredentialsAnswerStatus4() throws Exception {
        stub.requireCredentials("good-key", "good-secret");
        JsonNode m = json.readTree(post(
                                "/sms/json",
                                "application/x-www-form-urlencoded",
                                "api_key=good-key&api_secret=wrong&from=MFA&to=14155550100&text=x")
                        .body())
                .get("messages")
                .get(0);
        assertThat(m.get("status").asText()).isEqualTo("4");
        assertThat(m.get("error-text").asText()).isEqualTo("Bad Credentials");
        assertThat(stub.messages()).isEmpty();
    }

    @Test
    void missingParameterAnswersStatus2() throws Exception {
        JsonNode m = json.readTree(
                        post("/sms/json", "application/x-www-form-urlencoded", "api_key=k&api_secret=s&from=MFA&text=x")
                                .body())
                .get("messages")
                .get(0);
        assertThat(m.get("status").asText()).isEqualTo("2");
        assertThat(m.get("error-text").asText()).isEqualTo("Missing to param");
    }

    @Test
    void scriptedStatusesAndHttpErrorsAreServedInOrder() throws Exception {
        HttpResponse<String> set = post(
                "/_stub/behaviour",
                "application/json",
                "{\"responses\":[{\"httpStatus\":503},{\"status\":\"1\"},{\"status\":\"29\",\"times\":2}]}");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(json.readTree(get("/_stub/behaviour").body()).get("pending")).hasSize(4);

        String form = "api_key=k&api_secret=s&from=MFA&to=14155550100&text=x";
        assertThat(post("/sms/json", "application/x-www-form-urlencoded", form).statusCode())
                .isEqualTo(503);
        JsonNode throttled = json.readTree(
                post("/sms/json", "application/x-www-form-urlencoded", form).body());
        assertThat(throttled.get("messages").get(0).get("status").asText()).isEqualTo("1");
        assertThat(throttled.get("messages").get(0).get("error-text").asText()).startsWith("Throughput Rate Exceeded");
        for (int i = 0; i < 2; i++) {
            JsonNode barred = json.readTree(
                    post("/sms/json", "application/x-www-form-urlencoded", form).body());
            assertThat(barred.get("messages").get(0).get("status").asText()).isEqualTo("29");
        }
        JsonNode ok = json.readTree(
                post("/sms/json", "application/x-www-form-urlencoded", form).body());
        assertThat(ok.get("messages").get(0).get("status").asText()).isEqualTo("0");
        assertThat(stub.messages()).hasSize(1);
    }

    @Test
    void longTextIsSplitIntoParts() throws Exception {
        JsonNode body = json.readTree(post(
                        "/sms/json",
                        "application/x-www-form-urlencoded",
                        "api_key=k&api_secret=s&from=MFA&to=14155550100&text=" + "a".repeat(200))
                .body());
        assertThat(body.get("message-count").asText()).isEqualTo("2");
        assertThat(body.get("messages")).hasSize(2);
        assertThat(stub.messages()).hasSize(1);
    }

    @Test
    void theVonageJavaSdkTalksToTheStub() {
        stub.requireCredentials("sdk-key", "sdk-secret");
        VonageClient client = VonageClient.builder()
                .apiKey("sdk-key")
                .apiSecret("sdk-secret")
                .httpConfig(HttpConfig.builder().baseUri(stub.baseUrl()).build())
                .build();
        SmsSubmissionResponse response =
                client.getSmsClient().submitMessage(new TextMessage("MFA", "14155550100", "Your code is 654321"));
        assertThat(response.getMessageCount()).isEqualTo(1);
        assertThat(response.getMessages().get(0).getStatus()).isEqualTo(MessageStatus.OK);
        assertThat(response.getMessages().get(0).getId()).isNotBlank();
        assertThat(stub.messages()).extracting(StubMessage::text).containsExactly("Your code is 654321");

        stub.behaviour().script(StubBehaviour.Response.status("1"));
        SmsSubmissionResponse throttled =
                client.getSmsClient().submitMessage(new TextMessage("MFA", "14155550100", "again"));
        assertThat(throttled.getMessages().get(0).getStatus()).isEqualTo(MessageStatus.THROTTLED);

        VonageClient wrong = VonageClient.builder()
                .apiKey("sdk-key")
                .apiSecret("nope")
                .httpConfig(HttpConfig.builder().baseUri(stub.baseUrl()).build())
                .build();
        assertThat(wrong.getSmsClient()
                        .submitMessage(new TextMessage("MFA", "14155550100", "x"))
                        .getMessages()
                        .get(0)
                        .getStatus())
                .isEqualTo(MessageStatus.INVALID_CREDENTIALS);
    }

    @Test
    void throttlesAboveTheConfiguredRateWithVonagesStatus1() throws Exception {
        HttpResponse<String> set =
                post("/_stub/config", "application/json", "{\"throttlePerSecond\":0.01,\"throttleBurst\":3}");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(json.readTree(set.body()).get("throttlePerSecond").asDouble())
                .isEqualTo(0.01);
        String form = "api_key=k&api_secret=s&from=MFA&to=14155550100&text=x";
        int ok = 0;
        int throttled = 0;
        for (int i = 0; i < 10; i++) { // a burst far above the rate: the bucket's 3 tokens pass, the rest are throttled
            JsonNode m = json.readTree(post("/sms/json", "application/x-www-form-urlencoded", form)
                            .body())
                    .get("messages")
                    .get(0);
            if (m.get("status").asText().equals("0")) {
                ok++;
            } else {
                assertThat(m.get("status").asText()).isEqualTo("1");
                assertThat(m.get("error-text").asText()).startsWith("Throughput Rate Exceeded");
                throttled++;
            }
        }
        assertThat(ok).isEqualTo(3);
        assertThat(throttled).isEqualTo(10 - ok);
        assertThat(stub.messages()).hasSize(ok);
        JsonNode stats = json.readTree(get("/_stub/stats").body());
        assertThat(stats.get("throttled").asInt()).isEqualTo(throttled);
        assertThat(stats.get("accepted").asInt()).isEqualTo(ok);
        // Each throttled call is kept with the arrival times of the accepted calls before it (no numbers, no texts).
        JsonNode throttles = json.readTree(get("/_stub/throttles").body());
        assertThat(throttles).hasSize(throttled);
        JsonNode first = throttles.get(0);
        assertThat(first.get("tokens").asDouble()).isLessThan(1);
        assertThat(first.get("preceding")).hasSize(3);
        double previous = Double.NEGATIVE_INFINITY;
        for (JsonNode call : first.get("preceding")) {
            assertThat(call.get("arrivedMillis").asDouble())
                    .isLessThanOrEqualTo(0)
                    .isGreaterThanOrEqualTo(previous);
            assertThat(call.get("meteredMillis").asDouble())
                    .isGreaterThanOrEqualTo(call.get("arrivedMillis").asDouble());
            previous = call.get("arrivedMillis").asDouble();
        }
        assertThat(first.get("pauses").isArray()).isTrue();
        assertThat(first.toString()).doesNotContain("14155550100");
        assertThat(stub.throttles()).hasSize(throttled);
        assertThat(http.send(
                                HttpRequest.newBuilder(uri("/_stub/throttles"))
                                        .DELETE()
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(204);
        assertThat(stub.throttles()).isEmpty();

        post("/_stub/config", "application/json", "{\"throttlePerSecond\":1000}"); // a new rate starts a full bucket
        JsonNode again = json.readTree(
                post("/sms/json", "application/x-www-form-urlencoded", form).body());
        assertThat(again.get("messages").get(0).get("status").asText()).isEqualTo("0");
        http.send(
                HttpRequest.newBuilder(uri("/_stub/config")).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        for (int i = 0; i < 10; i++) {
            assertThat(json.readTree(post("/sms/json", "application/x-www-form-urlencoded", form)
                                    .body())
                            .get("messages")
                            .get(0)
                            .get("status")
                            .asText())
                    .isEqualTo("0");
        }
    }

    @Test
    void outageAnswersTheConfiguredHttpStatusUntilItEnds() throws Exception {
        stub.behaviour().configure(StubBehaviour.Settings.none().outage(60_000, 502));
        String form = "api_key=k&api_secret=s&from=MFA&to=14155550100&text=x";
        assertThat(post("/sms/json", "application/x-www-form-urlencoded", form).statusCode())
                .isEqualTo(502);
        stub.behaviour().configure(StubBehaviour.Settings.none().outage(0, 502)); // 0 ends it now
        assertThat(post("/sms/json", "application/x-www-form-urlencoded", form).statusCode())
                .isEqualTo(200);
        assertThat(stub.stats()).containsEntry("failed", 1L).containsEntry("accepted", 1L);

        // An outage also ends by itself, not before its time.
        long start = System.nanoTime();
        stub.behaviour().configure(StubBehaviour.Settings.none().outage(300, 502));
        awaitTrue(() ->
                post("/sms/json", "application/x-www-form-urlencoded", form).statusCode() == 200);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300_000_000L);
    }

    @Test
    void slowAnswersDelayEveryRequest() throws Exception {
        post("/_stub/config", "application/json", "{\"delayMillis\":300}");
        long start = System.nanoTime();
        assertThat(post(
                                "/sms/json",
                                "application/x-www-form-urlencoded",
                                "api_key=k&api_secret=s&from=MFA&to=14155550100&text=x")
                        .statusCode())
                .isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
    }

    @Test
    void postsSignedDeliveryReceiptsToTheCallbackOrTheConfiguredUrl() throws Exception {
        java.util.concurrent.BlockingQueue<String[]> received = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer webhook = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 10);
        webhook.createContext("/", ex -> {
            try (ex) {
                received.add(new String[] {
                    ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Content-Type"),
                    new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                });
                ex.sendResponseHeaders(204, -1);
            }
        });
        webhook.start();
        try {
            String base = "http://localhost:" + webhook.getAddress().getPort();
            stub.behaviour()
                    .configure(StubBehaviour.Settings.none()
                            .receipts(base + "/dlr", "delivered", null, 0)
                            .signed("stub-secret", "md5hash"));
            post(
                    "/sms/json",
                    "application/x-www-form-urlencoded",
                    "api_key=k&api_secret=s&from=MFA&to=14155550100&text=x&client-ref=req-9");
            String[] dlr = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(dlr).isNotNull();
            assertThat(dlr[0]).isEqualTo("/dlr");
            assertThat(dlr[1]).isEqualTo("application/x-www-form-urlencoded");
            Map<String, String> p = VonageStub.formDecode(dlr[2]);
            assertThat(p)
                    .containsEntry("msisdn", "14155550100")
                    .containsEntry("to", "MFA")
                    .containsEntry("status", "delivered")
                    .containsEntry("err-code", "0")
                    .containsEntry("client-ref", "req-9")
                    .containsEntry("messageId", stub.messages().get(0).messageId())
                    .containsKeys("network-code", "price", "scts", "message-timestamp", "timestamp", "nonce", "sig");
            // The SDK's own verifier (MD5 hash scheme) accepts the stub's signature.
            Map<String, String[]> asArrays = new java.util.HashMap<>();
            p.forEach((k, v) -> asArrays.put(k, new String[] {v}));
            assertThat(com.vonage.client.auth.RequestSigning.verifyRequestSignature(
                            null, "application/x-www-form-urlencoded", asArrays, "stub-secret"))
                    .isTrue();

            // A per-message callback wins over the configured URL.
            stub.behaviour()
                    .configure(StubBehaviour.Settings.none()
                            .receipts(base + "/dlr", "failed", "6", 0)
                            .signed("", null));
            post(
                    "/sms/json",
                    "application/x-www-form-urlencoded",
                    "api_key=k&api_secret=s&from=MFA&to=14155550100&text=x&callback="
                            + java.net.URLEncoder.encode(base + "/own", java.nio.charset.StandardCharsets.UTF_8));
            String[] own = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(own[0]).isEqualTo("/own");
            assertThat(VonageStub.formDecode(own[2]))
                    .containsEntry("status", "failed")
                    .containsEntry("err-code", "6")
                    .doesNotContainKey("sig");
            awaitTrue(() -> Long.valueOf(2L).equals(stub.stats().get("receiptsPosted")));
        } finally {
            webhook.stop(0);
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls a condition every 20 ms for up to 10 s (no Awaitility in this module). */
    private static void awaitTrue(Check check) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!check.holds()) {
            assertThat(System.nanoTime()).as("condition still false after 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private URI uri(String path) {
        return URI.create(stub.baseUrl() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Issue 15 finding 6: the stub signs receipts with HMAC-SHA256 unless told otherwise, as production expects. */
    @Test
    void receiptsAreSignedWithHmacSha256ByDefault() throws Exception {
        Map<String, String> dlr = VonageStub.receipt(
                StubBehaviour.Settings.none().signed("stub-secret", null),
                "14155550100",
                "MFA",
                "0A00000001",
                "req-1",
                java.time.Instant.now());
        Map<String, String> unsigned = new java.util.TreeMap<>(dlr);
        unsigned.remove("sig");
        StringBuilder base = new StringBuilder();
        unsigned.forEach((k, v) -> base.append('&').append(k).append('=').append(v));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                "stub-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = java.util.HexFormat.of()
                .formatHex(mac.doFinal(base.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(dlr.get("sig")).isEqualTo(expected);
    }
}
