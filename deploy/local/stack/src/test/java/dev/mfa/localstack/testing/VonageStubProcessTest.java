package dev.mfa.localstack.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VonageStubProcessTest {

    @Test
    void runsTheStubInItsOwnJvmAndStopsIt() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        long pid;
        try (VonageStubProcess stub = VonageStubProcess.start(
                Path.of("target/vonage-stub-process-test.log"),
                "--throttle-per-second",
                "30",
                "--throttle-burst",
                "5")) {
            pid = stub.pid();
            assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
            HttpResponse<String> sent = http.send(
                    HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/sms/json"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "api_key=k&api_secret=s&from=MFA&to=14155550100&text=x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json.readTree(sent.body())
                            .get("messages")
                            .get(0)
                            .get("status")
                            .asText())
                    .isEqualTo("0");
            JsonNode config = json.readTree(http.send(
                            HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/_stub/config"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            assertThat(config.get("throttlePerSecond").asDouble()).isEqualTo(30.0);
            assertThat(config.get("throttleBurst").asInt()).isEqualTo(5);
        }
        ProcessHandle child = ProcessHandle.of(pid).orElse(null);
        if (child != null) {
            child.onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }
}
