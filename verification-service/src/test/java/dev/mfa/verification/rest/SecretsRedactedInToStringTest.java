package dev.mfa.verification.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.RecoveryCode;
import dev.mfa.verification.domain.UserState;
import dev.mfa.verification.repository.VerificationRepository;
import dev.mfa.verification.service.VerificationService;
import java.util.List;
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
        Factor factor = new Factor();
        factor.secretEnc = CIPHERTEXT;
        RecoveryCode rc = new RecoveryCode();
        rc.codeHash = HASH;
        Challenge challenge = new Challenge();
        challenge.smsCodeHash = HASH;
        var attempt = new VerificationRepository.Attempt(new UserState(), challenge, List.of(factor), rc);
        assertThat(attempt.toString()).doesNotContain(HASH).doesNotContain(CIPHERTEXT);
    }
}
