package dev.mfa.notification;

import static dev.mfa.notification.SmsFixtures.state;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

import com.vonage.client.auth.RequestSigning;
import com.vonage.client.auth.hashutils.HashType;
import dev.mfa.core.events.EventTypes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With a signature secret: unsigned, wrongly signed and stale receipts get 401 and change nothing. */
@QuarkusTest
@TestProfile(SignedReceiptsProfile.class)
class SignedDeliveryReceiptIT extends SmsStubCase {

    @Test
    void onlyCorrectlySignedFreshReceiptsAreAccepted() throws Exception {
        UUID id = UUID.randomUUID();
        String to = SmsFixtures.usNumber();
        requestSignIn(id, "user-sig", to, SmsFixtures.code(), 300);
        awaitState(id, "SENT");
        String messageId = (String) SmsFixtures.row(id).orElseThrow().get("provider_message_id");

        Map<String, String> receipt = new LinkedHashMap<>();
        receipt.put("msisdn", to.substring(1));
        receipt.put("to", "MFA");
        receipt.put("messageId", messageId);
        receipt.put("status", "delivered");
        receipt.put("err-code", "0");
        receipt.put("message-timestamp", "2020-01-01 14:00:00");
        receipt.put("client-ref", id.toString());

        // Unsigned.
        given().contentType("application/x-www-form-urlencoded")
                .formParams(receipt)
                .when()
                .post(DeliveryReceiptIT.PATH)
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", endsWith("invalid-signature"));
        // Signed with another secret.
        Map<String, String> forged =
                RequestSigning.getSignatureForRequestParameters(receipt, "not-the-secret", HashType.HMAC_SHA256);
        Map<String, String> forgedAll = new LinkedHashMap<>(receipt);
        forgedAll.putAll(forged);
        given().contentType("application/x-www-form-urlencoded")
                .formParams(forgedAll)
                .when()
                .post(DeliveryReceiptIT.PATH)
                .then()
                .statusCode(401);
        // Correct signature, but the status was changed after signing.
        Map<String, String> signed = new LinkedHashMap<>(receipt);
        signed.putAll(RequestSigning.getSignatureForRequestParameters(
                receipt, SignedReceiptsProfile.SECRET, HashType.HMAC_SHA256));
        Map<String, String> tampered = new LinkedHashMap<>(signed);
        tampered.put("status", "failed");
        given().contentType("application/json")
                .body(tampered)
                .when()
                .post(DeliveryReceiptIT.PATH)
                .then()
                .statusCode(401);
        // Stale: signed ten minutes ago.
        Map<String, String> stale = new LinkedHashMap<>(receipt);
        stale.put("timestamp", Long.toString(Instant.now().minusSeconds(600).getEpochSecond()));
        stale.put(
                "sig",
                new dev.mfa.notification.service.ReceiptSignature(
                                SignedReceiptsProfile.SECRET, "sha256", Duration.ofMinutes(5))
                        .sign(stale));
        given().contentType("application/x-www-form-urlencoded")
                .formParams(stale)
                .when()
                .post(DeliveryReceiptIT.PATH)
                .then()
                .statusCode(401);
        assertThat(state(id)).isEqualTo("SENT");
        assertThat(SmsFixtures.statusEvents(id)).extracting(Map.Entry::getKey).containsExactly(EventTypes.SMS_SENT);

        // Signed by the SDK's own signer with the configured secret (query style, as a GET receipt).
        given().queryParams(signed).when().get(DeliveryReceiptIT.PATH).then().statusCode(204);
        assertThat(state(id)).isEqualTo("DELIVERED");
        assertThat(SmsFixtures.statusEvents(id))
                .extracting(Map.Entry::getKey)
                .containsExactly(EventTypes.SMS_SENT, EventTypes.SMS_DELIVERED);
    }
}
