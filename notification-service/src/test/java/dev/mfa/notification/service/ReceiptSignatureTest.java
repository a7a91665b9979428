package dev.mfa.notification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vonage.client.auth.RequestSigning;
import com.vonage.client.auth.hashutils.HashType;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our verifier against signatures made by the Vonage SDK's own signer, for every method an account can choose. */
class ReceiptSignatureTest {

    private static final String SECRET = "s3cr3t-signature-key";

    static Map<String, String> receipt() {
        Map<String, String> p = new HashMap<>();
        p.put("msisdn", "14155550101");
        p.put("to", "MFA");
        p.put("messageId", "0A0000000123ABCD1");
        p.put("status", "delivered");
        p.put("err-code", "0");
        p.put("message-timestamp", "2020-01-01 12:00:00");
        p.put("client-ref", "a=b&c"); // & and = are replaced before signing
        p.put("price", "");
        return p;
    }

    @ParameterizedTest
    @CsvSource({"md5hash,MD5", "md5,HMAC_MD5", "sha1,HMAC_SHA1", "sha256,HMAC_SHA256", "sha512,HMAC_SHA512"})
    void acceptsWhatTheSdkSigns(String method, HashType sdkType) {
        Map<String, String> params = receipt();
        params.putAll(RequestSigning.getSignatureForRequestParameters(params, SECRET, sdkType));
        ReceiptSignature verifier = new ReceiptSignature(SECRET, method, Duration.ofMinutes(5));
        assertThat(verifier.verify(params, Instant.now())).isTrue();

        Map<String, String> upper = new HashMap<>(params);
        upper.put("sig", params.get("sig").toUpperCase());
        assertThat(verifier.verify(upper, Instant.now()))
                .as("hex case does not matter")
                .isTrue();

        Map<String, String> tampered = new HashMap<>(params);
        tampered.put("status", "failed");
        assertThat(verifier.verify(tampered, Instant.now())).isFalse();
        assertThat(new ReceiptSignature("other", method, Duration.ofMinutes(5)).verify(params, Instant.now()))
                .isFalse();
    }

    @Test
    void refusesMissingSignatureMissingTimestampAndStaleTimestamps() {
        ReceiptSignature verifier = new ReceiptSignature(SECRET, "sha256", Duration.ofMinutes(5));
        assertThat(verifier.verify(receipt(), Instant.now())).isFalse();

        Map<String, String> params = receipt();
        params.putAll(RequestSigning.getSignatureForRequestParameters(params, SECRET, HashType.HMAC_SHA256));
        assertThat(verifier.verify(params, Instant.now().plus(Duration.ofMinutes(6))))
                .isFalse();
        assertThat(verifier.verify(params, Instant.now().minus(Duration.ofMinutes(6))))
                .isFalse();

        Map<String, String> noTimestamp = new HashMap<>(params);
        noTimestamp.remove("timestamp");
        assertThat(verifier.verify(noTimestamp, Instant.now())).isFalse();
        Map<String, String> badTimestamp = new HashMap<>(params);
        badTimestamp.put("timestamp", "yesterday");
        assertThat(verifier.verify(badTimestamp, Instant.now())).isFalse();
    }

    @Test
    void unknownMethodStopsTheService() {
        assertThatThrownBy(() -> new ReceiptSignature(SECRET, "crc32", Duration.ofMinutes(5)))
                .isInstanceOf(IllegalStateException.class);
    }
}
