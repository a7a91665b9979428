package dev.mfa.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.password.PasswordHashes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class SeedLoaderTest {

    static final Path SEED = Path.of("../seed.json");

    @Test
    void hashFormatVerifiesWithPlainPbkdf2() throws Exception {
        String stored = PasswordHashes.hash("alice-pw".toCharArray());
        assertThat(stored).matches("pbkdf2-sha256\\$210000\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+");
        String[] parts = stored.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] hash = Base64.getDecoder().decode(parts[3]);
        assertThat(salt).hasSize(16);
        assertThat(hash).hasSize(32);

        // What enrollment-service's verifier does, written independently of PasswordHashes.
        byte[] again = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec("alice-pw".toCharArray(), salt, Integer.parseInt(parts[1]), 256))
                .getEncoded();
        assertThat(Arrays.equals(hash, again)).isTrue();

        assertThat(PasswordHashes.verify("alice-pw".toCharArray(), stored)).isTrue();
        assertThat(PasswordHashes.verify("alice-pw!".toCharArray(), stored)).isFalse();
        assertThat(PasswordHashes.verify("alice-pw".toCharArray(), "garbage")).isFalse();
    }

    @Test
    void seedFileHasTheContractShape() throws Exception {
        SeedLoader.Seed seed = SeedLoader.read(SEED);
        assertThat(seed.orgs()).hasSizeGreaterThanOrEqualTo(2);
        for (SeedLoader.Org org : seed.orgs()) {
            assertThat(org.users()).anySatisfy(u -> assertThat(u.groups()).contains("org-admin"));
            assertThat(org.users().stream()
                            .filter(u -> !u.groups().contains("org-admin"))
                            .count())
                    .isGreaterThanOrEqualTo(3);
        }
        assertThat(seed.orgs().stream().flatMap(o -> o.users().stream()))
                .anySatisfy(u -> assertThat(u.pay()).isEqualTo("payee"));

        Map<String, String> hashes = SeedLoader.passwordHashes(seed, 1000);
        SeedLoader.User alice = seed.orgs().get(0).users().stream()
                .filter(u -> u.userId().equals("alice"))
                .findFirst()
                .orElseThrow();
        assertThat(PasswordHashes.verify(alice.password().toCharArray(), hashes.get("alice")))
                .isTrue();
    }

    @Test
    void upsertedEventIsAStructuredCloudEvent() throws Exception {
        SeedLoader.Seed seed = SeedLoader.read(SEED);
        SeedLoader.Org acme = seed.orgs().get(0);
        SeedLoader.User admin = acme.users().get(0);
        EventCodec codec = new EventCodec();
        String json = codec.encode(SeedLoader.upserted(codec, acme, admin, Instant.parse("2026-01-01T00:00:00Z")));
        var node = codec.mapper().readTree(json);
        assertThat(node.get("specversion").asText()).isEqualTo("1.0");
        assertThat(node.get("id").asText()).matches("[0-9a-f-]{36}");
        assertThat(node.get("source").asText()).isEqualTo("/seed-loader");
        assertThat(node.get("type").asText()).isEqualTo("identity.user.upserted");
        assertThat(node.get("subject").asText()).isEqualTo(admin.userId());
        assertThat(node.get("time").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(node.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(node.get("data").get("userId").asText()).isEqualTo(admin.userId());
        assertThat(node.get("data").get("orgId").asText()).isEqualTo("acme");
        assertThat(node.get("data").get("email").asText()).isEqualTo(admin.email());
        assertThat(node.get("data").get("groups")).hasSize(2);
        CloudEvent decoded = codec.decode(json);
        assertThat(decoded.type()).isEqualTo("identity.user.upserted");
    }
}
