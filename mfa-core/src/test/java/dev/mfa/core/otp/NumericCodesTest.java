package dev.mfa.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumericCodesTest {

    @ParameterizedTest
    @ValueSource(ints = {4, 6, 8, 10, 12})
    void generatesRequestedNumberOfAsciiDigits(int digits) {
        NumericCodes codes = new NumericCodes();
        for (int i = 0; i < 200; i++) {
            assertThat(codes.generate(digits)).hasSize(digits).matches("[0-9]+");
        }
    }

    @Test
    void defaultIsSixDigits() {
        assertThat(NumericCodes.DEFAULT_DIGITS).isEqualTo(6);
        assertThat(new NumericCodes().generate()).hasSize(6).matches("[0-9]{6}");
    }

    @Test
    void keepsLeadingZeros() {
        // A random source of zero bits yields the all-zero code, which must keep its length.
        assertThat(new NumericCodes(new FixedSecureRandom(0)).generate(6)).isEqualTo("000000");
        assertThat(new NumericCodes(new FixedSecureRandom(0)).generate(8)).isEqualTo("00000000");
    }

    @Test
    void leadingZerosOccurWithRealRandomness() {
        NumericCodes codes = new NumericCodes();
        int leadingZero = 0;
        for (int i = 0; i < 5_000; i++) {
            if (codes.generate(6).charAt(0) == '0') {
                leadingZero++;
            }
        }
        // Expected 500; bounds are > 9 standard deviations wide so the test never flakes.
        assertThat(leadingZero).isBetween(300, 700);
    }

    @Test
    void digitsAreRoughlyUniform() {
        NumericCodes codes = new NumericCodes();
        int[] counts = new int[10];
        int samples = 10_000;
        for (int i = 0; i < samples; i++) {
            for (char c : codes.generate(6).toCharArray()) {
                counts[c - '0']++;
            }
        }
        // 60,000 digits: 6,000 expected per value, sd ≈ 73; a modulo-biased generator would skew far more.
        for (int count : counts) {
            assertThat(count).isBetween(5_400, 6_600);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 3, 13})
    void rejectsUnsupportedLengths(int digits) {
        assertThatThrownBy(() -> new NumericCodes().generate(digits)).isInstanceOf(IllegalArgumentException.class);
    }
}
