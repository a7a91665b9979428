package dev.mfa.notification;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A signature secret is configured: receipts must be signed (HMAC-SHA256, as a Vonage account can choose). */
public class SignedReceiptsProfile implements QuarkusTestProfile {
    public static final String SECRET = "test-signature-secret-0123456789";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mfa.vonage.signature-secret", SECRET, "mfa.vonage.signature-method", "sha256");
    }
}
