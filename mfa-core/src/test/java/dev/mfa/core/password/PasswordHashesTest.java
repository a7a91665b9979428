package dev.mfa.core.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class PasswordHashesTest {

    @Test
    void aHashVerifiesItsPasswordOnly() {
        String stored = PasswordHashes.hash("alice-pw".toCharArray(), 1_000);
        assertThat(stored).startsWith("pbkdf2-sha256$1000$");
        assertThat(PasswordHashes.verify("alice-pw".toCharArray(), stored)).isTrue();
        assertThat(PasswordHashes.verify("alice-pw!".toCharArray(), stored)).isFalse();
        assertThat(PasswordHashes.hash("alice-pw".toCharArray(), 1_000))
                .as("a fresh salt each time")
                .isNotEqualTo(stored);
    }

    @Test
    void theFormatIsStandardPbkdf2HmacSha256() throws Exception {
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        PBEKeySpec spec = new PBEKeySpec("pw".toCharArray(), salt, 1_000, 256);
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(spec)
                .getEncoded();
        assertThat(PasswordHashes.hash("pw".toCharArray(), salt, 1_000))
                .isEqualTo("pbkdf2-sha256$1000$" + Base64.getEncoder().encodeToString(salt) + "$"
                        + Base64.getEncoder().encodeToString(expected));
    }

    @Test
    void missingMalformedAndAbsurdlyCostlyHashesAreRefused() {
        String good = PasswordHashes.hash("pw".toCharArray(), 1_000);
        String[] parts = good.split("\\$");
        assertThat(PasswordHashes.verify("pw".toCharArray(), null)).isFalse();
        assertThat(PasswordHashes.verify("pw".toCharArray(), "garbage")).isFalse();
        assertThat(PasswordHashes.verify("pw".toCharArray(), "md5$1000$" + parts[2] + "$" + parts[3]))
                .isFalse();
        assertThat(PasswordHashes.verify("pw".toCharArray(), parts[0] + "$x$" + parts[2] + "$" + parts[3]))
                .isFalse();
        assertThat(PasswordHashes.verify("pw".toCharArray(), parts[0] + "$0$" + parts[2] + "$" + parts[3]))
                .isFalse();
        assertThat(PasswordHashes.verify("pw".toCharArray(), parts[0] + "$1000$not base64!$" + parts[3]))
                .isFalse();
        assertThat(PasswordHashes.verify(
                        "pw".toCharArray(),
                        parts[0] + "$" + (PasswordHashes.MAX_ITERATIONS + 1) + "$" + parts[2] + "$" + parts[3]))
                .isFalse();
    }
}
