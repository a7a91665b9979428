package dev.mfa.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;

/** deploy/local/token.sh signs tokens a standard JWT library accepts with dev-jwt-public.pem. */
class TokenScriptTest {

    static final Path LOCAL = Path.of("..").toAbsolutePath().normalize();

    @Test
    void tokenVerifiesWithTheDevPublicKey() throws Exception {
        String token =
                run("--sub", "paula", "--org", "acme", "--groups", "user,org-admin", "--pay", "payee", "--ttl", "600");
        JwtClaims claims = consumer(publicKey("dev-jwt-public.pem")).processToClaims(token);
        assertThat(claims.getIssuer()).isEqualTo("https://mfa.local/dev");
        assertThat(claims.getSubject()).isEqualTo("paula");
        assertThat(claims.getStringClaimValue("org")).isEqualTo("acme");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("user", "org-admin");
        assertThat(claims.getStringClaimValue("pay")).isEqualTo("payee");
        assertThat(claims.getStringClaimValue("upn")).isEqualTo("paula@acme.test");
        assertThat(claims.getJwtId()).matches("[0-9a-f-]{36}");
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue())
                .isEqualTo(600);
    }

    @Test
    void defaultsAndNoPayClaim() throws Exception {
        JwtClaims claims =
                consumer(publicKey("dev-jwt-public.pem")).processToClaims(run("--sub", "nobody", "--org", "globex"));
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("user");
        assertThat(claims.hasClaim("pay")).isFalse();
        assertThat(claims.getStringClaimValue("upn")).isEqualTo("nobody");
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue())
                .isEqualTo(3600);
    }

    /** Issue 15 finding 3: every service checks the audience, so local tokens carry the API's. */
    @Test
    void tokenCarriesTheApiAudience() throws Exception {
        JwtClaims claims = consumer(publicKey("dev-jwt-public.pem"), "mfa-api")
                .build()
                .processToClaims(run("--sub", "alice", "--org", "acme"));
        assertThat(claims.getAudience()).containsExactly("mfa-api");
        JwtClaims other = consumer(publicKey("dev-jwt-public.pem"), "billing")
                .build()
                .processToClaims(run("--sub", "alice", "--org", "acme", "--aud", "billing"));
        assertThat(other.getAudience()).containsExactly("billing");
    }

    @Test
    void theAssertionKeyDoesNotVerifyAccessTokens() throws Exception {
        String token = run("--sub", "alice", "--org", "acme");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> consumer(publicKey("dev-assertion-public.pem")).processToClaims(token))
                .isInstanceOf(org.jose4j.jwt.consumer.InvalidJwtException.class);
    }

    private static JwtConsumer consumer(PublicKey key) {
        return consumer(key, "mfa-api").build();
    }

    private static JwtConsumerBuilder consumer(PublicKey key, String audience) {
        return new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setExpectedIssuer("https://mfa.local/dev")
                .setExpectedAudience(audience)
                .setRequireExpirationTime()
                .setRequireSubject();
    }

    static PublicKey publicKey(String file) throws Exception {
        String pem = Files.readString(LOCAL.resolve(file), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(pem));
        // The identity provider's dev key is RSA, the assertion key EC (P-256).
        String algorithm = file.contains("assertion") ? "EC" : "RSA";
        return KeyFactory.getInstance(algorithm).generatePublic(spec);
    }

    private static String run(String... args) throws Exception {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "bash";
        cmd[1] = LOCAL.resolve("token.sh").toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }
}
