package dev.mfa.verification.service;

import dev.mfa.verification.config.AssertionConfig;
import dev.mfa.verification.domain.Method;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
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

    /** Reads a PKCS#8 PEM key from a file, or else from the classpath; the message never holds key material. */
    static PrivateKey readPrivateKey(String location) {
        String pem;
        try {
            String name =
                    location.startsWith(CLASSPATH_PREFIX) ? location.substring(CLASSPATH_PREFIX.length()) : location;
            Path file = Path.of(name);
            if (!location.startsWith(CLASSPATH_PREFIX) && Files.isRegularFile(file)) {
                pem = Files.readString(file, StandardCharsets.US_ASCII);
            } else {
                try (InputStream in = Thread.currentThread()
                        .getContextClassLoader()
                        .getResourceAsStream(name.startsWith("/") ? name.substring(1) : name)) {
                    if (in == null) {
                        throw new IllegalStateException("assertion signing key not found at " + location);
                    }
                    pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the assertion signing key at " + location, e);
        }
        try {
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(body);
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the assertion signing key at " + location + " is not a PKCS#8 EC (P-256) key");
        }
    }
}
