package dev.mfa.notification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa.notification.config.VonageConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 6: the delivery-receipt webhook must not fail open. Outside the dev, test and local profiles
 * (which set {@code mfa.vonage.require-signature=false}) a blank signature secret or an MD5 scheme stops the service,
 * and the default scheme is HMAC-SHA256.
 */
class ReceiptWebhookFailsClosedTest {

    private static VonageConfig config(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(
                Map.of("mfa.vonage.api-key", "k", "mfa.vonage.api-secret", "s", "mfa.vonage.from", "MFA"));
        values.putAll(extra);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(VonageConfig.class)
                .withDefaultValues(values)
                .build();
        return config.getConfigMapping(VonageConfig.class);
    }

    private static ReceiptService service(VonageConfig config) {
        return new ReceiptService(config, null, null, Clock.systemUTC());
    }

    @Test
    void blankSignatureSecretStopsTheServiceWhenSignaturesAreRequired() {
        assertThatThrownBy(() -> service(config(Map.of("mfa.vonage.signature-secret", ""))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("signature-secret");
        assertThatThrownBy(() -> service(config(Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("signature-secret");
    }

    @Test
    void weakSchemesStopTheServiceWhenSignaturesAreRequired() {
        for (String method : new String[] {"md5hash", "md5", "sha1"}) {
            assertThatThrownBy(() -> service(config(Map.of(
                            "mfa.vonage.signature-secret", "0123456789abcdef", "mfa.vonage.signature-method", method))))
                    .as(method)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void defaultSchemeIsHmacSha256() {
        VonageConfig config = config(Map.of("mfa.vonage.signature-secret", "0123456789abcdef"));
        assertThat(config.signatureMethod()).isEqualTo("sha256");
        assertThatCode(() -> service(config)).doesNotThrowAnyException();
    }

    @Test
    void localProfilesMayStillTakeUnsignedReceipts() {
        assertThatCode(() -> service(config(Map.of("mfa.vonage.require-signature", "false"))))
                .doesNotThrowAnyException();
    }
}
