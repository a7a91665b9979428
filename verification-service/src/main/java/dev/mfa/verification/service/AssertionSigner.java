package dev.mfa.verification.service;

import dev.mfa.core.security.PemKeys;
import dev.mfa.verification.config.AssertionConfig;
import dev.mfa.verification.domain.Method;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.EcdsaUsingShaAlgorithm;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * Signs MFA assertions (ES256, P-256) that enrollment-service and the gateway verify with the matching public key.
 * ES256 rather than RS256 because every successful sign-in pays for one signature: with the native provider
 * ({@link NativeCrypto}) a P-256 signature costs ~0.03 ms against ~1.9 ms for RSA-2048 in Java on the same machine
 * (docs/benchmarks/verification-service.md), and the token is 200 bytes shorter. Pure CPU, so it runs on the calling
 * thread. The claims are jose4j's JSON, built from the configuration read once: smallrye-jwt-build looked its
 * settings up in the configuration on every token, half of the assertion's CPU in a profile (issue 16). The compact
 * serialisation is the JDK's base64url around a JCA signature, converted from DER to JWS's R‖S by jose4j: jose4j's
 * own serialisation allocated an 8 KiB buffer for each of its three base64url parts, 24 KiB of garbage per sign-in
 * (issue 16, fifth round).
 */
@Singleton
public class AssertionSigner {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** The protected header, the same for every assertion. */
    private static final String HEADER =
            BASE64URL.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    /** Bytes of an ES256 signature: R and S, 32 bytes each (RFC 7518 §3.4). */
    private static final int ES256_SIGNATURE_BYTES = 64;

    private final AssertionConfig config;
    private final PrivateKey key;

    public AssertionSigner(AssertionConfig config) {
        this.config = config;
        this.key = readPrivateKey(config.privateKeyLocation());
    }

    public String sign(String userId, String orgId, Method method, Instant now) {
        long iat = now.getEpochSecond();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(config.issuer());
        claims.setAudience(config.audience());
        claims.setSubject(userId);
        claims.setClaim("org", orgId);
        claims.setStringListClaim("amr", List.of(method.amr()));
        claims.setIssuedAt(NumericDate.fromSeconds(iat));
        claims.setExpirationTime(NumericDate.fromSeconds(iat + config.lifetime().toSeconds()));
        claims.setJwtId(UUID.randomUUID().toString());
        String signingInput =
                HEADER + '.' + BASE64URL.encodeToString(claims.toJson().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            byte[] rs = EcdsaUsingShaAlgorithm.convertDerToConcatenated(signature.sign(), ES256_SIGNATURE_BYTES);
            return signingInput + '.' + BASE64URL.encodeToString(rs);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the MFA assertion could not be signed", e);
        }
    }

    /** The PKCS#8 PEM key at {@code location} ({@link PemKeys}: a file, else the classpath); it must be EC (P-256). */
    static PrivateKey readPrivateKey(String location) {
        PrivateKey key = PemKeys.readPrivateKey(location);
        if (!(key instanceof ECPrivateKey)) {
            throw new IllegalStateException(
                    "the assertion signing key at " + location + " is not a PKCS#8 EC (P-256) key");
        }
        return key;
    }
}
