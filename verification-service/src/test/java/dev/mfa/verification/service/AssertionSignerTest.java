package dev.mfa.verification.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.security.PemKeys;
import dev.mfa.verification.config.AssertionConfig;
import dev.mfa.verification.domain.Method;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 #13, verification's side: every assertion carries its own {@code jti} (enrollment-service remembers it
 * so that one assertion authorises one change), the assertion audience and a 10-minute life.
 */
class AssertionSignerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final AssertionConfig CONFIG = new AssertionConfig() {
        @Override
        public String issuer() {
            return "https://mfa.local/verification";
        }

        @Override
        public String audience() {
            return "mfa";
        }

        @Override
        public Duration lifetime() {
            return Duration.ofMinutes(10);
        }

        @Override
        public String privateKeyLocation() {
            return "dev-assertion-private.pem";
        }
    };

    @Test
    void everyAssertionCarriesItsOwnJti() throws Exception {
        AssertionSigner signer = new AssertionSigner(CONFIG);
        Instant now = Instant.parse("2026-12-04T10:00:00Z");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            JsonNode claims = claims(signer.sign("alice", "acme", Method.TOTP, now));
            assertThat(claims.path("jti").asText()).isNotBlank();
            ids.add(claims.path("jti").asText());
            assertThat(claims.path("aud").toString()).contains("mfa").doesNotContain("mfa-api");
            assertThat(claims.path("exp").asLong() - claims.path("iat").asLong())
                    .isEqualTo(600);
            assertThat(claims.path("amr").get(0).asText()).isEqualTo("otp");
        }
        assertThat(ids).hasSize(20);
    }

    @Test
    void theSignatureVerifiesWithThePublicKeyAndTheHeaderIsEs256() throws Exception {
        String jwt = new AssertionSigner(CONFIG).sign("alice", "acme", Method.TOTP, Instant.now());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(jwt);
        jws.setKey(PemKeys.readPublicKey(PemKeys.CLASSPATH_PREFIX + "dev-assertion-public.pem"));
        assertThat(jws.verifySignature()).isTrue();
        assertThat(jws.getAlgorithmHeaderValue()).isEqualTo("ES256");
        assertThat(jws.getHeader("typ")).isEqualTo("JWT");
        JsonNode claims = claims(jwt);
        assertThat(claims.path("iss").asText()).isEqualTo("https://mfa.local/verification");
        assertThat(claims.path("sub").asText()).isEqualTo("alice");
        assertThat(claims.path("org").asText()).isEqualTo("acme");

        int sig = jwt.lastIndexOf('.') + 1;
        String tampered = jwt.substring(0, sig) + (jwt.charAt(sig) == 'A' ? 'B' : 'A') + jwt.substring(sig + 1);
        JsonWebSignature forged = new JsonWebSignature();
        forged.setCompactSerialization(tampered);
        forged.setKey(PemKeys.readPublicKey(PemKeys.CLASSPATH_PREFIX + "dev-assertion-public.pem"));
        assertThat(forged.verifySignature()).isFalse();
    }

    @Test
    void everySignatureIsJwsRawRAndSOfSixtyFourBytes() throws Exception {
        AssertionSigner signer = new AssertionSigner(CONFIG);
        var publicKey = PemKeys.readPublicKey(PemKeys.CLASSPATH_PREFIX + "dev-assertion-public.pem");
        // Many signatures: about one in 128 has an R or S with a leading zero byte, which DER drops and JWS keeps.
        for (int i = 0; i < 300; i++) {
            String[] parts =
                    signer.sign("alice", "acme", Method.TOTP, Instant.now()).split("\\.");
            byte[] rs = Base64.getUrlDecoder().decode(parts[2]);
            assertThat(rs).hasSize(64);
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(publicKey);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            assertThat(verifier.verify(rs)).isTrue();
            assertThat(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8))
                    .isEqualTo("{\"alg\":\"ES256\",\"typ\":\"JWT\"}");
        }
    }

    private static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }
}
