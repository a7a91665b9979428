package dev.mfa.localstack.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.security.PemKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Mints tokens with the committed LOCAL DEV keys (deploy/local/*.pem, on the test classpath): RS256 with the identity
 * provider's RSA key, the same tokens {@code deploy/local/token.sh} prints, and ES256 with verification-service's
 * P-256 assertion key. For tests only.
 */
public final class TestTokens {

    public static final String DEV_ISSUER = "https://mfa.local/dev";
    /** The audience every service expects of an access token (mp.jwt.verify.audiences). */
    public static final String API_AUDIENCE = "mfa-api";

    public static final String DEV_PRIVATE_KEY = "dev-jwt-private.pem";
    public static final String ASSERTION_ISSUER = "https://mfa.local/verification";
    public static final String ASSERTION_PRIVATE_KEY = "dev-assertion-private.pem";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private TestTokens() {}

    /** A plain user's access token, valid one hour. */
    public static String user(String userId, String orgId) {
        return builder(userId, orgId).sign();
    }

    public static String orgAdmin(String userId, String orgId) {
        return builder(userId, orgId).groups("user", "org-admin").sign();
    }

    public static String payee(String userId, String orgId) {
        return builder(userId, orgId).claim("pay", "payee").sign();
    }

    public static Builder builder(String userId, String orgId) {
        return new Builder(userId, orgId);
    }

    public static final class Builder {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private String keyResource = DEV_PRIVATE_KEY;

        private Builder(String userId, String orgId) {
            long now = Instant.now().getEpochSecond();
            claims.put("iss", DEV_ISSUER);
            claims.put("sub", userId);
            claims.put("upn", userId);
            claims.put("org", orgId);
            claims.put("aud", API_AUDIENCE);
            claims.put("groups", List.of("user"));
            claims.put("iat", now);
            claims.put("exp", now + 3600);
            claims.put("jti", UUID.randomUUID().toString());
        }

        public Builder groups(String... groups) {
            claims.put("groups", new ArrayList<>(List.of(groups)));
            return this;
        }

        public Builder claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public Builder expiresAt(Instant exp) {
            claims.put("exp", exp.getEpochSecond());
            return this;
        }

        /** Signs with another classpath PKCS#8 key, e.g. the assertion key, or a wrong key in a negative test. */
        public Builder signedWith(String classpathPem) {
            this.keyResource = classpathPem;
            return this;
        }

        public String sign() {
            try {
                PrivateKey key = privateKey(keyResource);
                boolean ec = key instanceof ECPrivateKey;
                String header = b64(JSON.writeValueAsBytes(Map.of("alg", ec ? "ES256" : "RS256", "typ", "JWT")));
                String payload = b64(JSON.writeValueAsBytes(claims));
                // JWS wants the raw R||S form of an ECDSA signature (RFC 7518 §3.4), not DER.
                Signature signature = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
                signature.initSign(key);
                signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
                return header + "." + payload + "." + b64(signature.sign());
            } catch (JsonProcessingException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign test token", e);
            }
        }
    }

    /** Reads a PKCS#8 PEM private key (RSA or EC) from the classpath. */
    public static PrivateKey privateKey(String classpathPem) {
        return PemKeys.readPrivateKey(PemKeys.CLASSPATH_PREFIX + classpathPem);
    }

    private static String b64(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }
}
