package dev.mfa.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RecoveryCodesTest {

    /** The hash tests below cover the legacy s256 rows the keyed hasher still accepts (see KeySeparationTest). */
    private static final RecoveryCodeHasher LEGACY_ROWS = new RecoveryCodeHasher(new byte[32]);

    private static final String DISPLAY_FORMAT = "[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}";
    private static final String CODE = "7KQ4-M2XD-0PRT-9VWA-BC3E-FGH5";
    private static final String CANONICAL = "7KQ4M2XD0PRT9VWABC3EFGH5";

    /** Serves fixed bytes and counts how many were requested. */
    private static final class StubRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte fill;
        int served;

        StubRandom(int fill) {
            this.fill = (byte) fill;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            Arrays.fill(bytes, fill);
            served += bytes.length;
        }
    }

    @Test
    void generatesSixGroupsOfFourCrockfordCharacters() {
        RecoveryCodes codes = new RecoveryCodes();
        for (int i = 0; i < 500; i++) {
            String code = codes.generate();
            assertThat(code).hasSize(29).matches(DISPLAY_FORMAT).doesNotContain("I", "L", "O", "U");
        }
    }

    @Test
    void uses120BitsOfRandomness() {
        assertThat(RecoveryCodes.ENTROPY_BITS).isEqualTo(120);
        assertThat(RecoveryCodes.CODE_LENGTH * 5).isEqualTo(RecoveryCodes.ENTROPY_BITS);
        StubRandom random = new StubRandom(0);
        new RecoveryCodes(random).generate();
        assertThat(random.served).isEqualTo(15);
    }

    @Test
    void encodesEveryBitOfTheRandomBytes() {
        assertThat(new RecoveryCodes(new StubRandom(0x00)).generate()).isEqualTo("0000-0000-0000-0000-0000-0000");
        assertThat(new RecoveryCodes(new StubRandom(0xFF)).generate()).isEqualTo("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        // 5 x 0x84 = 10000 10010 00010 01000 01001 00001 00100 00100 = G J 2 8 9 1 4 4, repeating every 40 bits.
        assertThat(new RecoveryCodes(new StubRandom(0x84)).generate()).isEqualTo("GJ28-9144-GJ28-9144-GJ28-9144");
    }

    @Test
    void codesAreUnique() {
        RecoveryCodes codes = new RecoveryCodes();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            assertThat(seen.add(codes.generate())).isTrue();
        }
    }

    @Test
    void everyAlphabetCharacterAppears() {
        RecoveryCodes codes = new RecoveryCodes();
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            for (char c : codes.generate().replace("-", "").toCharArray()) {
                seen.add(c);
            }
        }
        assertThat(seen).hasSize(32);
    }

    @Test
    void normalizeRemovesSeparatorsAndUpperCases() {
        assertThat(RecoveryCodes.normalize(CODE)).contains(CANONICAL);
        assertThat(RecoveryCodes.normalize(CANONICAL)).contains(CANONICAL);
        assertThat(RecoveryCodes.normalize("7kq4 m2xd 0prt 9vwa bc3e fgh5")).contains(CANONICAL);
        assertThat(RecoveryCodes.normalize("  7kq4_m2xd-0prt--9vwa bc3e\tfgh5 "))
                .contains(CANONICAL);
    }

    @Test
    void normalizeMapsCrockfordConfusables() {
        assertThat(RecoveryCodes.normalize("7KQ4-M2XD-OPRT-9VWA-BC3E-FGH5")).contains(CANONICAL); // O -> 0
        assertThat(RecoveryCodes.normalize("7KQ4-M2XD-oPRT-9VWA-BC3E-FGH5")).contains(CANONICAL); // o -> 0
        assertThat(RecoveryCodes.normalize("I111-L111-i111-l111-1111-1111")).contains("1".repeat(24));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "7KQ4-M2XD-0PRT-9VWA-BC3E-FGH", // 23 characters
                "7KQ4-M2XD-0PRT-9VWA-BC3E-FGH55", // 25 characters
                "7KQ4-M2XD-0PRT-9VWA-BC3E-FGHU", // U is not in the alphabet
                "7KQ4-M2XD-0PRT-9VWA-BC3E-FGH!",
                "7KQ4.M2XD.0PRT.9VWA.BC3E.FGH5",
                "7KQ4-M2XD-0PRT-9VWA-BC3E-FGH\u00c5",
                "------------------------",
                "123456",
            })
    void normalizeRejectsMalformedInput(String input) {
        assertThat(RecoveryCodes.normalize(input)).isEmpty();
        assertThat(LEGACY_ROWS.matches(input, RecoveryCodeHasher.legacyHash(CODE)))
                .isFalse();
    }

    @Test
    void normalizeStopsOnVeryLongInput() {
        assertThat(RecoveryCodes.normalize("A".repeat(1_000_000))).isEmpty();
    }

    @Test
    void formatGroupsNormalisedCode() {
        assertThat(RecoveryCodes.format(CANONICAL)).isEqualTo(CODE);
        assertThat(RecoveryCodes.format("7kq4m2xdoprt9vwabc3efgh5")).isEqualTo(CODE);
        assertThatThrownBy(() -> RecoveryCodes.format("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void legacyHashIsSha256OfNormalisedCode() throws Exception {
        String expected = "s256:"
                + Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256")
                                .digest(CANONICAL.getBytes(StandardCharsets.UTF_8)));
        assertThat(RecoveryCodeHasher.legacyHash(CODE)).isEqualTo(expected);
        assertThat(RecoveryCodeHasher.legacyHash("7kq4 m2xd oprt 9vwa bc3e fgh5"))
                .isEqualTo(expected);
        assertThat(RecoveryCodeHasher.legacyHash(CODE)).doesNotContain(CANONICAL);
    }

    @Test
    void hashRejectsMalformedCode() {
        assertThatThrownBy(() -> RecoveryCodeHasher.legacyHash("not a code"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Not a valid recovery code");
        assertThatThrownBy(() -> RecoveryCodeHasher.legacyHash(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void matchesNormalisedInputOnly() {
        RecoveryCodes codes = new RecoveryCodes();
        String code = codes.generate();
        String stored = RecoveryCodeHasher.legacyHash(code);

        assertThat(LEGACY_ROWS.matches(code, stored)).isTrue();
        assertThat(LEGACY_ROWS.matches(code.toLowerCase(), stored)).isTrue();
        assertThat(LEGACY_ROWS.matches(code.replace("-", " "), stored)).isTrue();
        assertThat(LEGACY_ROWS.matches(code.replace("-", ""), stored)).isTrue();
        assertThat(LEGACY_ROWS.matches(code.replace('0', 'O').replace('1', 'l'), stored))
                .isTrue();
        assertThat(LEGACY_ROWS.matches(codes.generate(), stored)).isFalse();
        assertThat(LEGACY_ROWS.matches(flipLastCharacter(code), stored)).isFalse();
    }

    @Test
    void malformedStoredHashesDoNotMatch() {
        String stored = RecoveryCodeHasher.legacyHash(CODE);
        assertThat(LEGACY_ROWS.matches(CODE, null)).isFalse();
        assertThat(LEGACY_ROWS.matches(CODE, "")).isFalse();
        assertThat(LEGACY_ROWS.matches(CODE, stored.substring(5))).isFalse();
        assertThat(LEGACY_ROWS.matches(CODE, "h1:" + stored.substring(5))).isFalse();
        assertThat(LEGACY_ROWS.matches(CODE, "s256:%%%")).isFalse();
        assertThat(LEGACY_ROWS.matches(CODE, "s256:" + Base64.getEncoder().encodeToString(new byte[31])))
                .isFalse();
        assertThat(LEGACY_ROWS.matches(CODE, CANONICAL)).isFalse();
    }

    private static String flipLastCharacter(String code) {
        char last = code.charAt(code.length() - 1);
        char other = last == 'Z' ? 'Y' : RecoveryCodes.ALPHABET.charAt(RecoveryCodes.ALPHABET.indexOf(last) + 1);
        return code.substring(0, code.length() - 1) + other;
    }
}
