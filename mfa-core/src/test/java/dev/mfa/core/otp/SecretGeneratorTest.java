package dev.mfa.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretGeneratorTest {

    @Test
    void defaultSecretIs160Bits() {
        assertThat(SecretGenerator.DEFAULT_SECRET_BYTES).isEqualTo(20);
        assertThat(new SecretGenerator().newSecret()).hasSize(20);
        assertThat(Base32.encode(new SecretGenerator().newSecret())).hasSize(32);
    }

    @Test
    void usesTheInjectedRandom() {
        FixedSecureRandom random = new FixedSecureRandom(0x5a);
        byte[] secret = new SecretGenerator(random).newSecret();
        assertThat(secret).hasSize(20).containsOnly((byte) 0x5a);
        assertThat(random.bytesServed()).isEqualTo(20);
    }

    @Test
    void secretsDiffer() {
        SecretGenerator generator = new SecretGenerator();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            assertThat(seen.add(Base32.encode(generator.newSecret()))).isTrue();
        }
    }

    @Test
    void customLengthAndMinimum() {
        SecretGenerator generator = new SecretGenerator();
        assertThat(generator.newSecret(32)).hasSize(32);
        assertThat(generator.newSecret(SecretGenerator.MIN_SECRET_BYTES)).hasSize(16);
        assertThatThrownBy(() -> generator.newSecret(15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SecretGenerator(null)).isInstanceOf(NullPointerException.class);
    }
}
