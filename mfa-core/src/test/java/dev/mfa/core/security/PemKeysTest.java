package dev.mfa.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeysTest {

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    @Test
    void readsRsaAndEcKeysOfBothKinds() throws Exception {
        for (KeyPair pair : new KeyPair[] {rsa(), ec()}) {
            assertThat(PemKeys.privateKey(pem("PRIVATE KEY", pair.getPrivate().getEncoded())))
                    .isEqualTo(pair.getPrivate());
            assertThat(PemKeys.publicKey(pem("PUBLIC KEY", pair.getPublic().getEncoded())))
                    .isEqualTo(pair.getPublic());
        }
    }

    @Test
    void readsAFileOrAClasspathResource(@TempDir Path dir) throws Exception {
        KeyPair pair = ec();
        Path file = dir.resolve("key.pem");
        Files.writeString(file, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        assertThat(PemKeys.readPrivateKey(file.toString())).isEqualTo(pair.getPrivate());
        assertThatThrownBy(() -> PemKeys.read("classpath:" + file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no key found");
    }

    @Test
    void aWrongKeyIsRefusedWithoutQuotingIt() throws Exception {
        KeyPair pair = ec();
        String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
        String body = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        assertThatThrownBy(() -> PemKeys.privateKey(publicPem))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain(body.substring(0, 16));
        assertThatThrownBy(() -> PemKeys.publicKey("-----BEGIN PUBLIC KEY-----\n%%%\n-----END PUBLIC KEY-----"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a PEM key");
    }
}
