package dev.mfa.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class HotpTest {

    private static final byte[] RFC4226_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    // RFC 4226 Appendix D.
    @ParameterizedTest(name = "counter {0} -> {1}")
    @CsvSource({
        "0, 755224",
        "1, 287082",
        "2, 359152",
        "3, 969429",
        "4, 338314",
        "5, 254676",
        "6, 287922",
        "7, 162583",
        "8, 399871",
        "9, 520489",
    })
    void rfc4226AppendixDVectors(long counter, String expected) {
        assertThat(Hotp.generate(RFC4226_KEY, counter, 6, OtpAlgorithm.SHA1)).isEqualTo(expected);
    }

    // RFC 4226 Appendix D lists the truncated 31-bit values; longer codes are their last 7/8 decimal digits.
    @ParameterizedTest(name = "counter {0}, 8 digits -> {1}")
    @CsvSource({
        "0, 84755224", // 1284755224
        "1, 94287082", // 1094287082
        "9, 45520489", // 645520489
    })
    void longerCodesAreLastDigitsOfTruncatedValue(long counter, String expected) {
        assertThat(Hotp.generate(RFC4226_KEY, counter, 8, OtpAlgorithm.SHA1)).isEqualTo(expected);
        assertThat(Hotp.generate(RFC4226_KEY, counter, 7, OtpAlgorithm.SHA1)).isEqualTo(expected.substring(1));
    }

    @ParameterizedTest
    @EnumSource(OtpAlgorithm.class)
    void alwaysPadsToRequestedDigits(OtpAlgorithm alg) {
        boolean sawLeadingZero = false;
        for (long counter = 0; counter < 2_000; counter++) {
            String code = Hotp.generate(RFC4226_KEY, counter, 6, alg);
            assertThat(code).hasSize(6).containsOnlyDigits();
            sawLeadingZero |= code.charAt(0) == '0';
        }
        assertThat(sawLeadingZero).as("about 10% of codes start with 0").isTrue();
    }

    @Test
    void counterIsHashedAsFullEightBytes() {
        // Counters differing only above 32 bits must give different codes (64-bit moving factor).
        long low = 1L;
        long high = (1L << 32) | 1L;
        assertThat(Hotp.generate(RFC4226_KEY, high, 8, OtpAlgorithm.SHA1))
                .isNotEqualTo(Hotp.generate(RFC4226_KEY, low, 8, OtpAlgorithm.SHA1));
        assertThat(Hotp.generate(RFC4226_KEY, Long.MAX_VALUE, 6, OtpAlgorithm.SHA1))
                .hasSize(6);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 9, 10})
    void rejectsUnsupportedDigits(int digits) {
        assertThatThrownBy(() -> Hotp.generate(RFC4226_KEY, 0, digits, OtpAlgorithm.SHA1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 6 and 8");
    }

    @Test
    void rejectsBadKeyAndCounter() {
        assertThatThrownBy(() -> Hotp.generate(new byte[0], 0, 6, OtpAlgorithm.SHA1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hotp.generate(null, 0, 6, OtpAlgorithm.SHA1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Hotp.generate(RFC4226_KEY, -1, 6, OtpAlgorithm.SHA1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hotp.generate(RFC4226_KEY, 0, 6, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void algorithmNames() {
        assertThat(OtpAlgorithm.SHA1.jceName()).isEqualTo("HmacSHA1");
        assertThat(OtpAlgorithm.SHA256.jceName()).isEqualTo("HmacSHA256");
        assertThat(OtpAlgorithm.SHA512.jceName()).isEqualTo("HmacSHA512");
        assertThat(OtpAlgorithm.SHA256.otpauthName()).isEqualTo("SHA256");
        assertThat(OtpAlgorithm.fromOtpauthName("sha512")).isEqualTo(OtpAlgorithm.SHA512);
        assertThatThrownBy(() -> OtpAlgorithm.fromOtpauthName("MD5")).isInstanceOf(IllegalArgumentException.class);
    }
}
