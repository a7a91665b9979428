package dev.mfa.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vonage.client.VonageClient;
import com.vonage.client.HttpConfig;
import com.vonage.client.sms.MessageStatus;
import com.vonage.client.sms.SmsSubmissionResponse;
import com.vonage.client.sms.messages.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

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
        HttpResponse<String> r = post("/sms/json", "application/x-www-form-urlencoded",
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

        post("/sms/json", "application/json",
                "{\"api_key\":\"k\",\"api_secret\":\"s\",\"from\":\"MFA\",\"to\":\"447700900000\",\"text\":\"second\"}");

        JsonNode listed = json.readTree(get("/_stub/messages").body());
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("to").asText()).isEqualTo("14155550100");
        assertThat(listed.get(0).get("from").asText()).isEqualTo("MFA");
        assertThat(listed.get(0).get("text").asText()).isEqualTo("Your code is 123456");
        assertThat(listed.get(0).get("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(listed.get(1).get("text").asText()).isEqualTo("second");
        assertThat(json.readTree(get("/_stub/messages?to=447700900000").body())).hasSize(1);

        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(uri("/_stub/messages")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(stub.messages()).isEmpty();
    }

    @Test
    void badCredentialsAnswerStatus4() throws Exception {
        stub.requireCredentials("good-key", "good-secret");
        JsonNode m = json.readTree(post("/sms/json", "application/x-www-form-urlencoded",
                "api_key=good-key&api_secret=wrong&from=MFA&to=14155550100&text=x").body()).get("messages").get(0);
        assertThat(m.get("status").asText()).isEqualTo("4");
        assertThat(m.get("error-text").asText()).isEqualTo("Bad Credentials");
        assertThat(stub.messages()).isEmpty();
    }

    @Test
    void missingParameterAnswersStatus2() throws Exception {
        JsonNode m = json.readTree(post("/sms/json", "application/x-www-form-urlencoded",
                "api_key=k&api_secret=s&from=MFA&text=x").body()).get("messages").get(0);
        assertThat(m.get("status").asText()).isEqualTo("2");
        assertThat(m.get("error-text").asText()).isEqualTo("Missing to param");
    }

    @Test
    void scriptedStatusesAndHttpErrorsAreServedInOrder() throws Exception {
        HttpResponse<String> set = post("/_stub/behaviour", "application/json",
                "{\"responses\":[{\"httpStatus\":503},{\"status\":\"1\"},{\"status\":\"29\",\"times\":2}]}");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(json.readTree(get("/_stub/behaviour").body()).get("pending")).hasSize(4);

        String form = "api_key=k&api_secret=s&from=MFA&to=14155550100&text=x";
        assertThat(post("/sms/json", "application/x-www-form-urlencoded", form).statusCode()).isEqualTo(503);
        JsonNode throttled = json.readTree(post("/sms/json", "application/x-www-form-urlencoded", form).body());
        assertThat(throttled.get("messages").get(0).get("status").asText()).isEqualTo("1");
        assertThat(throttled.get("messages").get(0).get("error-text").asText()).startsWith("Throughput Rate Exceeded");
        for (int i = 0; i < 2; i++) {
            JsonNode barred = json.readTree(post("/sms/json", "application/x-www-form-urlencoded", form).body());
            assertThat(barred.get("messages").get(0).get("status").asText()).isEqualTo("29");
        }
        JsonNode ok = json.readTree(post("/sms/json", "application/x-www-form-urlencoded", form).body());
        assertThat(ok.get("messages").get(0).get("status").asText()).isEqualTo("0");
        assertThat(stub.messages()).hasSize(1);
    }

    @Test
    void longTextIsSplitIntoParts() throws Exception {
        JsonNode body = json.readTree(post("/sms/json", "application/x-www-form-urlencoded",
                "api_key=k&api_secret=s&from=MFA&to=14155550100&text=" + "a".repeat(200)).body());
        assertThat(body.get("message-count").asText()).isEqualTo("2");
        assertThat(body.get("messages")).hasSize(2);
        assertThat(stub.messages()).hasSize(1);
    }

    @Test
    void theVonageJavaSdkTalksToTheStub() {
        stub.requireCredentials("sdk-key", "sdk-secret");
        VonageClient client = VonageClient.builder()
                .apiKey("sdk-key").apiSecret("sdk-secret")
                .httpConfig(HttpConfig.builder().baseUri(stub.baseUrl()).build())
                .build();
        SmsSubmissionResponse response = client.getSmsClient()
                .submitMessage(new TextMessage("MFA", "14155550100", "Your code is 654321"));
        assertThat(response.getMessageCount()).isEqualTo(1);
        assertThat(response.getMessages().get(0).getStatus()).isEqualTo(MessageStatus.OK);
        assertThat(response.getMessages().get(0).getId()).isNotBlank();
        assertThat(stub.messages()).extracting(StubMessage::text).containsExactly("Your code is 654321");

        stub.behaviour().script(StubBehaviour.Response.status("1"));
        SmsSubmissionResponse throttled = client.getSmsClient()
                .submitMessage(new TextMessage("MFA", "14155550100", "again"));
        assertThat(throttled.getMessages().get(0).getStatus()).isEqualTo(MessageStatus.THROTTLED);

        VonageClient wrong = VonageClient.builder()
                .apiKey("sdk-key").apiSecret("nope")
                .httpConfig(HttpConfig.builder().baseUri(stub.baseUrl()).build())
                .build();
        assertThat(wrong.getSmsClient().submitMessage(new TextMessage("MFA", "14155550100", "x"))
                .getMessages().get(0).getStatus()).isEqualTo(MessageStatus.INVALID_CREDENTIALS);
    }

    private URI uri(String path) {
        return URI.create(stub.baseUrl() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
