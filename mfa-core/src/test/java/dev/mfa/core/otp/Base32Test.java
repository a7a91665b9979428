package dev.mfa.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base32Test {

    // RFC 4648 §10; encode() omits the padding, decode() accepts it with or without.
    @ParameterizedTest(name = "\"{0}\" <-> {1}")
    @CsvSource(
            value = {
                "'',     '',       ''",
                "f,      MY,       MY======",
                "fo,     MZXQ,     MZXQ====",
                "foo,    MZXW6,    MZXW6===",
                "foob,   MZXW6YQ,  MZXW6YQ=",
                "fooba,  MZXW6YTB, MZXW6YTB",
                "foobar, MZXW6YTBOI, MZXW6YTBOI======",
            })
    void rfc4648Vectors(String plain, String unpadded, String padded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
        assertThat(Base32.encode(bytes)).isEqualTo(unpadded);
        assertThat(Base32.decode(unpadded)).isEqualTo(bytes);
        assertThat(Base32.decode(padded)).isEqualTo(bytes);
    }

    @Test
    void encodesRfc4226SeedAsAuthenticatorAppsExpect() {
        assertThat(Base32.encode("12345678901234567890".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    @Test
    void decodeToleratesLowerCaseAndSpaces() {
        byte[] foobar = "foobar".getBytes(StandardCharsets.US_ASCII);
        assertThat(Base32.decode("mzxw6ytboi")).isEqualTo(foobar);
        assertThat(Base32.decode("MzXw 6YtB oI")).isEqualTo(foobar);
        assertThat(Base32.decode("  mzxw 6ytb oi====== ")).isEqualTo(foobar);
        assertThat(Base32.decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"))
                .isEqualTo("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MZXW1YTB", "MZXW-6YTB", "MZXW_6YTB", "MZXW0YTB", "MZXW8YTB", "MZXW6YT\u00c9", "MZ\tXW"})
    void rejectsCharactersOutsideAlphabet(String input) {
        assertThatThrownBy(() -> Base32.decode(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid Base32 character at position")
                .hasMessageNotContaining(input);
    }

    @ParameterizedTest
    @ValueSource(strings = {"M", "MZX", "MZXW6Y", "MZXW6YTBO"})
    void rejectsImpossibleLengths(String input) {
        assertThatThrownBy(() -> Base32.decode(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid Base32 length");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MY=A", "MZ=XW6===", "=MY"})
    void rejectsDataAfterPadding(String input) {
        assertThatThrownBy(() -> Base32.decode(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after padding");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MY=", "MY=======", "MZXW6YTB="})
    void rejectsWrongPaddingLength(String input) {
        assertThatThrownBy(() -> Base32.decode(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid Base32 padding");
    }

    @Test
    void errorMessageDoesNotEchoSecret() {
        String secret = "JBSWY3DPEHPK3PX!";
        assertThatThrownBy(() -> Base32.decode(secret))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("JBSWY3DP");
    }

    @Test
    void nullIsRejected() {
        assertThatThrownBy(() -> Base32.decode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Base32.encode(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void roundTripsRandomData() {
        Random random = new Random(42);
        for (int length = 0; length <= 64; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            String encoded = Base32.encode(data);
            assertThat(encoded).matches("[A-Z2-7]*").hasSize((length * 8 + 4) / 5);
            assertThat(Base32.decode(encoded)).isEqualTo(data);
            assertThat(Base32.decode(encoded.toLowerCase())).isEqualTo(data);
        }
    }
}
