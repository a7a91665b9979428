package dev.mfa.verification.service;

import dev.mfa.core.security.PemKeys;
import dev.mfa.verification.config.AssertionConfig;
import dev.mfa.verification.domain.Method;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Singleton;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Signs MFA assertions (ES256, P-256) that enrollment-service and the gateway verify with the matching public key.
 * ES256 rather than RS256 because every successful sign-in pays for one signature: with the native provider
 * ({@link NativeCrypto}) a P-256 signature costs ~0.03 ms against ~1.9 ms for RSA-2048 in Java on the same machine
 * (docs/benchmarks/verification-service.md), and the token is 200 bytes shorter. Pure CPU, so it runs on the calling
 * thread.
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
        return Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(userId)
                .claim("org", orgId)
                .claim("amr", List.of(method.amr()))
                .issuedAt(iat)
                .expiresAt(iat + config.lifetime().toSeconds())
                .claim("jti", UUID.randomUUID().toString())
                .jws()
                .algorithm(SignatureAlgorithm.ES256)
                .sign(key);
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
