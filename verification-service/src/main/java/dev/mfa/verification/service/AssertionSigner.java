package dev.mfa.verification.service;

import dev.mfa.core.security.PemKeys;
import dev.mfa.verification.config.AssertionConfig;
import dev.mfa.verification.domain.Method;
import jakarta.inject.Singleton;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Signs MFA assertions (ES256, P-256) that enrollment-service and the gateway verify with the matching public key.
 * ES256 rather than RS256 because every successful sign-in pays for one signature: with the native provider
 * ({@link NativeCrypto}) a P-256 signature costs ~0.03 ms against ~1.9 ms for RSA-2048 in Java on the same machine
 * (docs/benchmarks/verification-service.md), and the token is 200 bytes shorter. Pure CPU, so it runs on the calling
 * thread. Built with jose4j directly from the configuration read once: smallrye-jwt-build looked its settings up in
 * the configuration on every token, half of the assertion's CPU in a profile (issue 16).
 */
@Singleton
public class AssertionSigner {

    private static final String CLASSPATH_PREFIX = "classpath:";

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
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
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
