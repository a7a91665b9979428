package dev.mfa.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CodeHasherTest {

    private static final byte[] KEY = filled(32, 7);
    private static final byte[] OTHER_KEY = filled(32, 8);

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private final CodeHasher hasher = new CodeHasher(KEY);

    @Test
    void hashHasVersionPrefixAndHidesCode() {
        String hash = hasher.hash("012345");
        assertThat(hash).startsWith("h1:").doesNotContain("012345");
        assertThat(Base64.getDecoder().decode(hash.substring(3))).hasSize(32);
    }

    @Test
    void matchesSameCodeOnly() {
        String hash = hasher.hash("012345");
        assertThat(hasher.matches("012345", hash)).isTrue();
        assertThat(hasher.matches("012346", hash)).isFalse();
        assertThat(hasher.matches("12345", hash)).isFalse();
        assertThat(hasher.matches("0123450", hash)).isFalse();
        assertThat(hasher.matches("", hash)).isFalse();
    }

    @Test
    void hashIsDeterministicUnderOneKey() {
        assertThat(hasher.hash("424242")).isEqualTo(new CodeHasher(KEY.clone()).hash("424242"));
    }

    @Test
    void hashDependsOnServerKey() throws Exception {
        CodeHasher other = new CodeHasher(OTHER_KEY);
        String hash = hasher.hash("424242");
        assertThat(other.hash("424242")).isNotEqualTo(hash);
        assertThat(other.matches("424242", hash)).isFalse();
        // Not a plain digest: knowing the code is not enough to recompute the stored value.
        String plainSha256 = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest("424242".getBytes(StandardCharsets.UTF_8)));
        assertThat(hash).isNotEqualTo("h1:" + plainSha256);
    }

    @Test
    void malformedOrNullValuesDoNotMatch() {
        String hash = hasher.hash("424242");
        assertThat(hasher.matches(null, hash)).isFalse();
        assertThat(hasher.matches("424242", null)).isFalse();
        assertThat(hasher.matches("424242", "")).isFalse();
        assertThat(hasher.matches("424242", hash.substring(3))).isFalse();
        assertThat(hasher.matches("424242", "h2:" + hash.substring(3))).isFalse();
        assertThat(hasher.matches("424242", "h1:not base64!")).isFalse();
        assertThat(hasher.matches("424242", "h1:" + Base64.getEncoder().encodeToString(new byte[16])))
                .isFalse();
        assertThat(hasher.matches("424242", hash.substring(0, hash.length() - 4)))
                .isFalse();
    }

    @Test
    void keyMustBeLongEnough() {
        assertThatThrownBy(() -> new CodeHasher(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> new CodeHasher(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> hasher.hash(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void keyFromBase64() {
        CodeHasher fromConfig = CodeHasher.fromBase64(Base64.getEncoder().encodeToString(KEY));
        assertThat(fromConfig.matches("424242", hasher.hash("424242"))).isTrue();
        assertThatThrownBy(() -> CodeHasher.fromBase64("%%%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Code hashing key is not valid base64");
    }

    @Test
    void keyIsCopied() {
        byte[] key = KEY.clone();
        CodeHasher h = new CodeHasher(key);
        String before = h.hash("111111");
        Arrays.fill(key, (byte) 0);
        assertThat(h.hash("111111")).isEqualTo(before);
    }
}
