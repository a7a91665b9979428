package dev.mfa.core.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * Keys for field encryption and code hashing ({@code mfa.crypto.*}, env {@code MFA_CRYPTO_*}). Optional here so
 * that a service that needs none still starts; {@link CryptoProducers} refuses to hand out a cipher without keys.
 */
@ConfigMapping(prefix = "mfa.crypto")
public interface CryptoConfig {

    /** {@code keyId:base64Key[,keyId:base64Key...]}: every listed key decrypts (rotation). */
    Optional<String> fieldKeys();

    /** The key id that encrypts new values. */
    Optional<String> activeKeyId();

    /** Base64 HMAC key (at least 32 bytes) under which short numeric codes are hashed at rest. */
    Optional<String> codeHashKey();
}
