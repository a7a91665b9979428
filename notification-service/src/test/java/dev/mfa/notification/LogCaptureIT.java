package dev.mfa.notification;

import static dev.mfa.notification.SmsFixtures.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every log line written while SMS go through every path (success, temporary and permanent failures, refusals,
 * dead-lettered record, receipts) — with the service's own categories at the most verbose level — holds neither the
 * phone number (in any of its forms) nor the code.
 */
@QuarkusTest
class LogCaptureIT extends SmsStubCase {

    private LogCapture logs;

    @BeforeEach
    void install() {
        logs = new LogCapture();
    }

    @AfterEach
    void remove() {
        logs.close();
    }

    @Test
    void noPhoneNumberOrCodeInAnyLogLine() throws Exception {
        String to = SmsFixtures.usNumber();
        String code = "468" + String.format("%03d", (int) (Math.random() * 1000));
        UUID ok = UUID.randomUUID();
        UUID retried = UUID.randomUUID();
        UUID refused = UUID.randomUUID();
        UUID capped = UUID.randomUUID();
        UUID foreign = UUID.randomUUID();

        StubClient.script("[{\"status\":\"1\"},{\"httpStatus\":500}]");
        requestSignIn(retried, "user-log", to, code, 300);
        awaitState(retried, "SENT");
        StubClient.script("[{\"status\":\"7\"}]");
        requestSignIn(refused, "user-log", to, code, 300);
        awaitState(refused, "FAILED");
        requestSignIn(ok, "user-log", to, code, 300);
        awaitState(ok, "SENT");
        // Fourth sign-in request to the number within the hour: over the test cap of 3 (caps count per purpose).
        requestSignIn(capped, "user-log", to, code, 300);
        awaitState(capped, "FAILED");
        String foreignNumber = "+27" + to.substring(5);
        SmsFixtures.publish(
                kafka,
                event(
                        foreign,
                        "user-log",
                        "SIGN_IN",
                        "ZA",
                        foreignNumber,
                        code,
                        Instant.now().plusSeconds(300)));
        awaitState(foreign, "FAILED");
        String messageId = (String) SmsFixtures.row(ok).orElseThrow().get("provider_message_id");
        given().contentType("application/x-www-form-urlencoded")
                .formParam("msisdn", to.substring(1))
                .formParam("messageId", messageId)
                .formParam("status", "delivered")
                .formParam("client-ref", ok.toString())
                .when()
                .post(DeliveryReceiptIT.PATH)
                .then()
                .statusCode(204);
        given().contentType("application/x-www-form-urlencoded")
                .formParam("msisdn", to.substring(1))
                .formParam("status", "nonsense")
                .when()
                .post(DeliveryReceiptIT.PATH)
                .then()
                .statusCode(400);

        assertThat(logs.lines()).as("the capture saw the service's logs").anyMatch(l -> l.contains(refused.toString()));
        assertThat(logs.lines()).anyMatch(l -> l.contains("cap reached"));
        String national = to.substring(2); // without +1
        for (String line : logs.lines()) {
            assertThat(line)
                    .doesNotContain(national)
                    .doesNotContain(foreignNumber.substring(3))
                    .doesNotContain(code);
        }
    }
}
