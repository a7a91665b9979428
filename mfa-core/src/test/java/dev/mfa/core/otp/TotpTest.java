package dev.mfa.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpTest {

    // RFC 6238 Appendix B seeds: the ASCII digits repeated to the HMAC's block-friendly length.
    private static final byte[] SEED_SHA1 = ascii("12345678901234567890");
    private static final byte[] SEED_SHA256 = ascii("12345678901234567890123456789012");
    private static final byte[] SEED_SHA512 = ascii("1234567890123456789012345678901234567890123456789012345678901234");

    private static final long NOW = 1_111_111_111L; // step 37037037, mid-step (offset 1 s)
    private static final byte[] KEY = SEED_SHA1;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Clock clockAt(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    private static byte[] seedFor(OtpAlgorithm alg) {
        return switch (alg) {
            case SHA1 -> SEED_SHA1;
            case SHA256 -> SEED_SHA256;
            case SHA512 -> SEED_SHA512;
        };
    }

    // RFC 6238 Appendix B, 8 digits, T0 = 0, X = 30.
    @ParameterizedTest(name = "{1} at {0} -> {3}")
    @CsvSource({
        "59,          SHA1,   0000000000000001, 94287082",
        "59,          SHA256, 0000000000000001, 46119246",
        "59,          SHA512, 0000000000000001, 90693936",
        "1111111109,  SHA1,   00000000023523EC, 07081804",
        "1111111109,  SHA256, 00000000023523EC, 68084774",
        "1111111109,  SHA512, 00000000023523EC, 25091201",
        "1111111111,  SHA1,   00000000023523ED, 14050471",
        "1111111111,  SHA256, 00000000023523ED, 67062674",
        "1111111111,  SHA512, 00000000023523ED, 99943326",
        "1234567890,  SHA1,   000000000273EF07, 89005924",
        "1234567890,  SHA256, 000000000273EF07, 91819424",
        "1234567890,  SHA512, 000000000273EF07, 93441116",
        "2000000000,  SHA1,   0000000003F940AA, 69279037",
        "2000000000,  SHA256, 0000000003F940AA, 90698825",
        "2000000000,  SHA512, 0000000003F940AA, 38618901",
        "20000000000, SHA1,   0000000027BC86AA, 65353130",
        "20000000000, SHA256, 0000000027BC86AA, 77737706",
        "20000000000, SHA512, 0000000027BC86AA, 47863826",
    })
    void rfc6238AppendixBVectors(long time, OtpAlgorithm alg, String stepHex, String expected) {
        Totp totp = new Totp(clockAt(time), new TotpParameters(alg, 8, 30, 1));
        long step = Long.parseUnsignedLong(stepHex, 16);

        assertThat(totp.currentStep()).isEqualTo(step);
        assertThat(totp.stepAt(Instant.ofEpochSecond(time))).isEqualTo(step);
        assertThat(totp.generate(seedFor(alg))).isEqualTo(expected);
        assertThat(totp.generateAt(seedFor(alg), step)).isEqualTo(expected);
        assertThat(totp.verify(seedFor(alg), expected, Totp.NO_STEP_USED)).hasValue(step);
    }

    @Test
    void defaultParameters() {
        assertThat(TotpParameters.DEFAULT.algorithm()).isEqualTo(OtpAlgorithm.SHA1);
        assertThat(TotpParameters.DEFAULT.digits()).isEqualTo(6);
        assertThat(TotpParameters.DEFAULT.periodSeconds()).isEqualTo(30);
        assertThat(TotpParameters.DEFAULT.window()).isEqualTo(1);
        assertThat(new Totp(clockAt(NOW)).parameters()).isEqualTo(TotpParameters.DEFAULT);
        assertThat(Totp.NO_STEP_USED).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void defaultSixDigitCodeMatchesRfcVectorSuffix() {
        // 6-digit codes are the last 6 digits of the 8-digit RFC values.
        assertThat(new Totp(clockAt(59)).generate(SEED_SHA1)).isEqualTo("287082");
        assertThat(new Totp(clockAt(20_000_000_000L)).generate(SEED_SHA1)).isEqualTo("353130");
    }

    @Test
    void stepBoundaries() {
        Totp totp = new Totp(clockAt(0));
        assertThat(totp.stepAt(Instant.ofEpochSecond(0))).isZero();
        assertThat(totp.stepAt(Instant.ofEpochSecond(29))).isZero();
        assertThat(totp.stepAt(Instant.ofEpochSecond(30))).isEqualTo(1);
        assertThat(totp.stepAt(Instant.ofEpochSecond(59, 999_999_999))).isEqualTo(1);
        assertThat(totp.stepAt(Instant.ofEpochSecond(-1))).isEqualTo(-1);
        Totp minute = new Totp(clockAt(0), new TotpParameters(OtpAlgorithm.SHA1, 6, 60, 1));
        assertThat(minute.stepAt(Instant.ofEpochSecond(119))).isEqualTo(1);
    }

    @Test
    void acceptsCurrentAndAdjacentSteps() {
        Totp totp = new Totp(clockAt(NOW));
        long now = totp.currentStep();

        assertThat(totp.verify(KEY, totp.generateAt(KEY, now), Totp.NO_STEP_USED))
                .hasValue(now);
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now - 1), Totp.NO_STEP_USED))
                .hasValue(now - 1);
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now + 1), Totp.NO_STEP_USED))
                .hasValue(now + 1);
    }

    @Test
    void refusesStepsOutsideWindow() {
        Totp totp = new Totp(clockAt(NOW));
        long now = totp.currentStep();

        assertThat(totp.verify(KEY, totp.generateAt(KEY, now - 2), Totp.NO_STEP_USED))
                .isEmpty();
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now + 2), Totp.NO_STEP_USED))
                .isEmpty();
    }

    @Test
    void windowEdgesFollowTheClock() {
        long now = new Totp(clockAt(NOW)).currentStep();
        String code = new Totp(clockAt(NOW)).generate(KEY);
        // The same code, checked 30 s later / earlier, is one step off: still accepted.
        assertThat(new Totp(clockAt(NOW + 30)).verify(KEY, code, Totp.NO_STEP_USED))
                .hasValue(now);
        assertThat(new Totp(clockAt(NOW - 30)).verify(KEY, code, Totp.NO_STEP_USED))
                .hasValue(now);
        // 60 s off is two steps: refused.
        assertThat(new Totp(clockAt(NOW + 60)).verify(KEY, code, Totp.NO_STEP_USED))
                .isEmpty();
        assertThat(new Totp(clockAt(NOW - 60)).verify(KEY, code, Totp.NO_STEP_USED))
                .isEmpty();
    }

    @Test
    void zeroWindowAcceptsOnlyCurrentStep() {
        Totp totp = new Totp(clockAt(NOW), TotpParameters.DEFAULT.withWindow(0));
        long now = totp.currentStep();
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now), Totp.NO_STEP_USED))
                .hasValue(now);
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now - 1), Totp.NO_STEP_USED))
                .isEmpty();
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now + 1), Totp.NO_STEP_USED))
                .isEmpty();
    }

    @Test
    void widerWindowAcceptsFurtherSteps() {
        Totp totp = new Totp(clockAt(NOW), TotpParameters.DEFAULT.withWindow(2));
        long now = totp.currentStep();
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now - 2), Totp.NO_STEP_USED))
                .hasValue(now - 2);
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now - 3), Totp.NO_STEP_USED))
                .isEmpty();
    }

    @Test
    void refusesReplayOfAcceptedStep() {
        Totp totp = new Totp(clockAt(NOW));
        long now = totp.currentStep();
        String code = totp.generate(KEY);

        OptionalLong first = totp.verify(KEY, code, Totp.NO_STEP_USED);
        assertThat(first).hasValue(now);
        assertThat(totp.verify(KEY, code, first.getAsLong())).isEmpty();
    }

    @Test
    void refusesStepsNotAfterLastAccepted() {
        Totp totp = new Totp(clockAt(NOW));
        long now = totp.currentStep();

        // An older (still in-window) code after a newer one was used is refused.
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now - 1), now)).isEmpty();
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now), now + 1)).isEmpty();
        // A later step than the last accepted one is fine.
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now), now - 1)).hasValue(now);
        assertThat(totp.verify(KEY, totp.generateAt(KEY, now + 1), now)).hasValue(now + 1);
    }

    @Test
    void refusesCodeOfAnotherKey() {
        Totp totp = new Totp(clockAt(NOW));
        String code = totp.generate(SEED_SHA256);
        // Guard against the (1e-6) chance that the two keys share a code in the window.
        boolean collides = false;
        for (long s = totp.currentStep() - 1; s <= totp.currentStep() + 1; s++) {
            collides |= totp.generateAt(KEY, s).equals(code);
        }
        if (!collides) {
            assertThat(totp.verify(KEY, code, Totp.NO_STEP_USED)).isEmpty();
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "12345",
                "1234567",
                "12a456",
                "12345 ",
                " 12345",
                "123-45",
                "+12345",
                "-12345",
                "\u0661\u0662\u0663\u0664\u0665\u0666",
                "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16"
            })
    void malformedCodesDoNotMatch(String code) {
        Totp totp = new Totp(clockAt(NOW));
        assertThat(totp.verify(KEY, code, Totp.NO_STEP_USED)).isEmpty();
    }

    @Test
    void malformedCodeWithSpacesAroundValidCodeDoesNotMatch() {
        Totp totp = new Totp(clockAt(NOW));
        assertThat(totp.verify(KEY, " " + totp.generate(KEY), Totp.NO_STEP_USED))
                .isEmpty();
    }

    @Test
    void eightDigitVerification() {
        Totp totp = new Totp(clockAt(NOW), new TotpParameters(OtpAlgorithm.SHA256, 8, 30, 1));
        String code = totp.generate(SEED_SHA256);
        assertThat(code).hasSize(8);
        assertThat(totp.verify(SEED_SHA256, code, Totp.NO_STEP_USED)).hasValue(totp.currentStep());
        assertThat(totp.verify(SEED_SHA256, code.substring(2), Totp.NO_STEP_USED))
                .isEmpty();
    }

    @Test
    void worksNearEpochWithoutNegativeSteps() {
        Totp totp = new Totp(clockAt(10)); // step 0; step -1 of the window does not exist
        assertThat(totp.verify(KEY, totp.generateAt(KEY, 0), Totp.NO_STEP_USED)).hasValue(0);
        assertThat(totp.verify(KEY, totp.generateAt(KEY, 1), Totp.NO_STEP_USED)).hasValue(1);
    }

    @Test
    void worksPast2038() {
        long after2038 = 4_102_444_800L; // 2100-01-01
        Totp totp = new Totp(clockAt(after2038));
        long step = totp.currentStep();
        assertThat(step).isEqualTo(after2038 / 30).isGreaterThan(Integer.MAX_VALUE / 30);
        assertThat(totp.verify(KEY, totp.generate(KEY), Totp.NO_STEP_USED)).hasValue(step);
    }

    @Test
    void invalidParametersAreRejected() {
        assertThatThrownBy(() -> new TotpParameters(null, 6, 30, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TotpParameters(OtpAlgorithm.SHA1, 5, 30, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TotpParameters(OtpAlgorithm.SHA1, 9, 30, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TotpParameters(OtpAlgorithm.SHA1, 6, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TotpParameters(OtpAlgorithm.SHA1, 6, 30, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TotpParameters(OtpAlgorithm.SHA1, 6, 30, TotpParameters.MAX_WINDOW + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Totp(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Totp(clockAt(0), null)).isInstanceOf(NullPointerException.class);
    }
}
