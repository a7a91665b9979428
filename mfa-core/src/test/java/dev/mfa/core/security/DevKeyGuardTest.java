package dev.mfa.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevKeyGuardTest {

    private static final Path LOCAL = Path.of("..", "deploy", "local");

    @Test
    void recognisesEveryCommittedDevKey() throws IOException {
        for (String name : new String[] {
            "dev-jwt-public.pem", "dev-jwt-private.pem", "dev-assertion-public.pem", "dev-assertion-private.pem"
        }) {
            String pem = Files.readString(LOCAL.resolve(name));
            assertThat(DevKeyGuard.isDevKey(pem)).as(name).isTrue();
            assertThat(DevKeyGuard.load("file:" + LOCAL.resolve(name)).map(DevKeyGuard::isDevKey))
                    .as(name)
                    .contains(true);
        }
    }

    @Test
    void acceptsAnyOtherKey() throws NoSuchAlgorithmException {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder()
                        .encodeToString(generator.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertThat(DevKeyGuard.isDevKey(pem)).isFalse();
    }

    @Test
    void prodConfigurationWithTheDevKeyIsRefused() {
        var devKey = new SmallRyeConfigBuilder()
                .withDefaultValue("mp.jwt.verify.publickey.location", "file:" + LOCAL.resolve("dev-jwt-public.pem"))
                .build();
        assertThatThrownBy(() -> DevKeyGuard.check(devKey))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LOCAL DEV key");

        var devAssertionKey = new SmallRyeConfigBuilder()
                .withDefaultValue(
                        "mfa.assertion.private-key-location", "file:" + LOCAL.resolve("dev-assertion-private.pem"))
                .build();
        assertThatThrownBy(() -> DevKeyGuard.check(devAssertionKey)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void prodConfigurationWithoutDevKeysStarts() {
        var config = new SmallRyeConfigBuilder()
                .withDefaultValue("mp.jwt.verify.publickey.location", "file:/nonexistent/idp.pem")
                .build();
        DevKeyGuard.check(config);
    }

    @Test
    void unreadableLocationIsLeftToSmallryeJwt() {
        assertThat(DevKeyGuard.load("file:/nonexistent/key.pem")).isEmpty();
    }

    /** Issue 15 finding 15: every committed dev value is refused, not only the JWT and assertion keys. */
    @Test
    void devFieldKeyCodeHashKeyVonageValuesAndDevIssuerAreRefused() {
        Map<String, String> devValues = Map.of(
                "mfa.crypto.field-keys",
                        "prod-1:Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI=,"
                                + "local-dev:9KNZMCs3A/SdedMQzg2ydfziN7g8lY1LCqjUSh7DLAw=",
                "mfa.crypto.code-hash-key", "J7Q+rjzze3hD7tRYvtMSf6mxD00x7D4lK7iUKBvTmV4=",
                "mfa.vonage.api-key", "local-key",
                "mfa.vonage.api-secret", "local-secret",
                "mp.jwt.verify.issuer", "https://mfa.local/dev");
        assertEachRefusedWithoutEchoingIt(devValues);
        var prodValues = new SmallRyeConfigBuilder()
                .withDefaultValues(Map.of(
                        "mfa.crypto.field-keys",
                        "prod-1:Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI=",
                        "mfa.crypto.code-hash-key",
                        "cHJvZC1jb2RlLWhhc2gta2V5LTAxMjM0NTY3ODkwMTI=",
                        "mfa.vonage.api-key",
                        "a1b2c3",
                        "mfa.vonage.api-secret",
                        "s3cr3t",
                        "mp.jwt.verify.issuer",
                        "https://id.example.com"))
                .build();
        DevKeyGuard.check(prodValues);
    }

    /** Issue 15 finding 14: the dev keys of every key set and the recovery-code key are refused too. */
    @Test
    void devKeysOfEveryKeySetAndTheRecoveryCodeKeyAreRefused() {
        Map<String, String> devValues = Map.of(
                "mfa.crypto.totp-keys",
                        "totp-1:Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI=,"
                                + "totp-dev:ehqOIjDOQIy3BaiBKggbObRzXMnjyVrzkdTE8ve9yj0=",
                "mfa.crypto.sms-keys", "sms-dev:C/DdcWqYL66bwxMs2YrzZwBP4alHc7o3hvcPFnIm7hA=",
                "mfa.crypto.email-keys", "email-dev:C0zyum+OqxAI4Ttbfh1yKEcSf3E8zQPMWdEF60h93Ds=",
                "mfa.crypto.legacy-field-keys", "local-dev:9KNZMCs3A/SdedMQzg2ydfziN7g8lY1LCqjUSh7DLAw=",
                "mfa.crypto.recovery-code-key", "WmfZRus53wqi/fcezJ5LPNM9hwQxWkZmxGUvGeKIUz0=");
        assertEachRefusedWithoutEchoingIt(devValues);
        DevKeyGuard.check(new SmallRyeConfigBuilder()
                .withDefaultValues(Map.of(
                        "mfa.crypto.totp-keys", "totp-1:Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI=",
                        "mfa.crypto.recovery-code-key", "cHJvZC1jb2RlLWhhc2gta2V5LTAxMjM0NTY3ODkwMTI="))
                .build());
    }

    /**
     * Issue 15 finding 15: the guard runs whenever the launch mode is normal (a packaged jar), whatever the profile
     * is called, unless it is the local stack's {@code local}; tests and dev mode keep their dev keys.
     */
    @Test
    void guardRunsWheneverTheLaunchModeIsNormal() {
        assertThat(DevKeyGuard.applies(LaunchMode.NORMAL, List.of("prod"))).isTrue();
        assertThat(DevKeyGuard.applies(LaunchMode.NORMAL, List.of("staging"))).isTrue();
        assertThat(DevKeyGuard.applies(LaunchMode.NORMAL, List.of("dev"))).isTrue();
        assertThat(DevKeyGuard.applies(LaunchMode.NORMAL, List.of("test"))).isTrue();
        assertThat(DevKeyGuard.applies(LaunchMode.NORMAL, List.of("local"))).isFalse();
        assertThat(DevKeyGuard.applies(LaunchMode.TEST, List.of("test"))).isFalse();
        assertThat(DevKeyGuard.applies(LaunchMode.DEVELOPMENT, List.of("dev"))).isFalse();
    }

    /** Each entry alone is refused; the message names the property and never holds its value. */
    private static void assertEachRefusedWithoutEchoingIt(Map<String, String> devValues) {
        devValues.forEach((key, value) -> {
            SmallRyeConfig config =
                    new SmallRyeConfigBuilder().withDefaultValue(key, value).build();
            assertThatThrownBy(() -> DevKeyGuard.check(config))
                    .as(key)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(key)
                    .hasMessageNotContaining(value);
        });
    }
}
