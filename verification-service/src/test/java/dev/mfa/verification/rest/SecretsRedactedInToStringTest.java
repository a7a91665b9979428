package dev.mfa.verification.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.verification.repository.VerificationStore;
import dev.mfa.verification.service.VerificationService;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 16: records holding a code, an assertion or a secret never print it (logs, exceptions). */
class SecretsRedactedInToStringTest {

    private static final String CODE = "493817";
    private static final String ASSERTION = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    private static final String CIPHERTEXT = "v1:local-dev:QUJDREVGR0hJSktMTU5PUA==";
    private static final String HASH = "h1:c2VjcmV0LWhhc2g=";

    @Test
    void recordsHoldingSecretsRedactToString() {
        assertThat(new Dtos.VerifyRequest("SMS", CODE).toString())
                .contains("SMS")
                .doesNotContain(CODE);
        assertThat(new Dtos.Verified(true, ASSERTION, false).toString()).doesNotContain(ASSERTION);
        assertThat(new VerificationService.Verified(ASSERTION, true).toString()).doesNotContain(ASSERTION);
        var totp = new VerificationStore.TotpSecret(
                UUID.randomUUID(), CIPHERTEXT, 7L, dev.mfa.core.otp.OtpAlgorithm.SHA1, 6, 30);
        assertThat(totp.toString()).doesNotContain(CIPHERTEXT);
        var rc = new VerificationStore.StoredRecoveryCode(UUID.randomUUID(), HASH, null);
        assertThat(rc.toString()).doesNotContain(HASH);
        var attempt = new VerificationStore.Attempt(
                0, null, null, "acme", "TOTP,SMS", Instant.now(), null, HASH, Instant.now(), List.of(totp), rc);
        assertThat(attempt.toString()).doesNotContain(HASH).doesNotContain(CIPHERTEXT);
    }
}
