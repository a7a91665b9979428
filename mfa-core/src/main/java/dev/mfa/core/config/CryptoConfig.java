package dev.mfa.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Keys for field encryption and hashing ({@code mfa.crypto.*}, env {@code MFA_CRYPTO_*}), one key set per purpose
 * (issue 15 finding 14): a service is given only the sets it reads. Optional here so that a service that needs none
 * still starts; each service's {@code %prod} profile names the ones it needs without a default, and
 * {@link CryptoProducers} refuses to hand out what is not configured.
 *
 * <p>Key sets are {@code keyId:base64Key[,keyId:base64Key...]} (AES-256): the first entry encrypts, every entry
 * decrypts (rotation); the ids of a set start with its name ({@code totp-…}, {@code sms-…}, {@code email-…}).
 */
@ConfigMapping(prefix = "mfa.crypto")
public interface CryptoConfig {

    /** TOTP secrets: enrollment and verification. */
    Optional<String> totpKeys();

    /** Phone numbers and SMS codes: enrollment, verification, notification. */
    Optional<String> smsKeys();

    /** E-mail addresses: enrollment and notification. */
    Optional<String> emailKeys();

    /**
     * The single shared key set of before the split, decrypt only, so that rows and events written under it stay
     * readable until re-sealed; never given to notification-service.
     */
    Optional<String> legacyFieldKeys();

    /** Base64 HMAC key (at least 32 bytes) under which short numeric codes are hashed at rest. */
    Optional<String> codeHashKey();

    /** Base64 HMAC key (at least 32 bytes) for recovery-code hashes: enrollment and verification. */
    Optional<String> recoveryCodeKey();

    /** Rows per transaction of the startup re-sealing of legacy ciphertexts. */
    @WithDefault("500")
    int resealBatchSize();
}
