package dev.mfa.core.config;

import dev.mfa.core.crypto.FieldCipher;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.NumericCodes;
import dev.mfa.core.otp.SecretGenerator;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.security.SecureRandom;

/** CDI producers for the shared crypto primitives, built from {@link CryptoConfig}. */
@Singleton
public class CryptoProducers {

    private final CryptoConfig config;
    private final SecureRandom random = new SecureRandom();

    public CryptoProducers(CryptoConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    FieldCipher fieldCipher() {
        String keys = config.fieldKeys().orElseThrow(() -> new IllegalStateException(
                "mfa.crypto.field-keys (MFA_CRYPTO_FIELD_KEYS) is not configured"));
        String active = config.activeKeyId().orElseThrow(() -> new IllegalStateException(
                "mfa.crypto.active-key-id (MFA_CRYPTO_ACTIVE_KEY_ID) is not configured"));
        return FieldCipher.fromSpec(keys, active);
    }

    @Produces
    @Singleton
    CodeHasher codeHasher() {
        return CodeHasher.fromBase64(config.codeHashKey().orElseThrow(() -> new IllegalStateException(
                "mfa.crypto.code-hash-key (MFA_CRYPTO_CODE_HASH_KEY) is not configured")));
    }

    @Produces
    @Singleton
    NumericCodes numericCodes() {
        return new NumericCodes(random);
    }

    @Produces
    @Singleton
    SecretGenerator secretGenerator() {
        return new SecretGenerator(random);
    }
}
