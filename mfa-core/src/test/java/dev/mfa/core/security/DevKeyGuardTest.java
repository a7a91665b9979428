package dev.mfa.core.security;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class DevKeyGuardTest {

    private static final Path LOCAL = Path.of("..", "deploy", "local");

    @Test
    void recognisesEveryCommittedDevKey() throws IOException {
        for (String name : new String[] {"dev-jwt-public.pem", "dev-jwt-private.pem", "dev-assertion-public.pem",
                "dev-assertion-private.pem"}) {
            String pem = Files.readString(LOCAL.resolve(name));
            assertThat(DevKeyGuard.isDevKey(pem)).as(name).isTrue();
            assertThat(DevKeyGuard.load("file:" + LOCAL.resolve(name)).map(DevKeyGuard::isDevKey)).as(name).contains(true);
        }
    }

    @Test
    void acceptsAnyOtherKey() throws NoSuchAlgorithmException {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertThat(DevKeyGuard.isDevKey(pem)).isFalse();
    }

    @Test
    void prodConfigurationWithTheDevKeyIsRefused() {
        var devKey = new io.smallrye.config.SmallRyeConfigBuilder().withDefaultValue(
                "mp.jwt.verify.publickey.location", "file:" + LOCAL.resolve("dev-jwt-public.pem")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DevKeyGuard.check(devKey))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("LOCAL DEV key");

        var devAssertionKey = new io.smallrye.config.SmallRyeConfigBuilder().withDefaultValue(
                "mfa.assertion.private-key-location", "file:" + LOCAL.resolve("dev-assertion-private.pem")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DevKeyGuard.check(devAssertionKey))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void prodConfigurationWithoutDevKeysStarts() {
        var config = new io.smallrye.config.SmallRyeConfigBuilder().withDefaultValue(
                "mp.jwt.verify.publickey.location", "file:/nonexistent/idp.pem").build();
        DevKeyGuard.check(config);
    }

    @Test
    void unreadableLocationIsLeftToSmallryeJwt() {
        assertThat(DevKeyGuard.load("file:/nonexistent/key.pem")).isEmpty();
    }
}
