package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 16: a record holding a secret, code or token never prints it. */
class SecretRecordsRedactedTest {

    @Test
    void theIssuedReauthTokenIsRedacted() {
        String token = "tok-3f9a-secret-value";
        assertThat(new ReauthService.Issued(token, Instant.EPOCH).toString()).doesNotContain(token);
    }

    @Test
    void theStartedAuthenticatorAppSecretIsRedacted() {
        var started = new EnrollmentService.TotpStarted(
                java.util.UUID.randomUUID(),
                "JBSWY3DPEHPK3PXP",
                "otpauth://totp/x:y?secret=JBSWY3DPEHPK3PXP",
                "data:image/png;base64,AAAA",
                Instant.EPOCH);
        assertThat(started.toString()).doesNotContain("JBSWY3DPEHPK3PXP").doesNotContain("AAAA");
    }
}
