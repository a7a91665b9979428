package dev.mfa.verification.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.otp.OtpAlgorithm;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.otp.TotpParameters;
import dev.mfa.verification.domain.Factor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A factor enrolled with its own TOTP parameters is checked with them, not with the defaults. */
class TotpFactorParametersTest {

    /** RFC 6238 appendix B's SHA-256 key. */
    private static final byte[] KEY = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    /** 119 s with a 60 s period is step 1, the step of RFC 6238's T = 59 s vector (30 s period): 46119246. */
    private static final Clock AT_119_S = Clock.fixed(Instant.ofEpochSecond(119), ZoneOffset.UTC);

    private static final Totp CONFIGURED = new Totp(AT_119_S, TotpParameters.DEFAULT.withWindow(1));

    private static Factor factor(OtpAlgorithm algorithm, int digits, int period, Long lastUsedStep) {
        Factor f = new Factor();
        f.factorId = UUID.randomUUID();
        f.method = Factor.TOTP;
        f.lastUsedStep = lastUsedStep;
        f.totpAlgorithm = algorithm.otpauthName();
        f.totpDigits = digits;
        f.totpPeriod = period;
        return f;
    }

    @Test
    void eightDigitSha256SixtySecondFactorIsCheckedWithItsParameters() {
        Factor f = factor(OtpAlgorithm.SHA256, 8, 60, null);
        assertThat(VerificationService.matchTotp(CONFIGURED, f, KEY, "46119246"))
                .isEqualTo(OptionalLong.of(1));
        // The previous 60 s step is inside the configured window of one step.
        String previous = new Totp(AT_119_S, new TotpParameters(OtpAlgorithm.SHA256, 8, 60, 0)).generateAt(KEY, 0);
        assertThat(VerificationService.matchTotp(CONFIGURED, f, KEY, previous)).isEqualTo(OptionalLong.of(0));
        assertThat(VerificationService.matchTotp(CONFIGURED, factor(OtpAlgorithm.SHA256, 8, 60, 1L), KEY, "46119246"))
                .as("a step already used")
                .isEmpty();
    }

    @Test
    void theDefaultsDoNotAcceptTheFactorsCodeNorTheFactorTheDefaultsCode() {
        Factor f = factor(OtpAlgorithm.SHA256, 8, 60, null);
        String sixDigitSha1 = CONFIGURED.generate(KEY);
        assertThat(VerificationService.matchTotp(CONFIGURED, f, KEY, sixDigitSha1))
                .isEmpty();
        assertThat(VerificationService.matchTotp(CONFIGURED, f, KEY, "46119246".substring(2)))
                .isEmpty();
        Factor defaults = factor(OtpAlgorithm.SHA1, 6, 30, null);
        assertThat(VerificationService.matchTotp(CONFIGURED, defaults, KEY, "46119246"))
                .isEmpty();
        assertThat(VerificationService.matchTotp(CONFIGURED, defaults, KEY, sixDigitSha1))
                .isPresent();
    }
}
