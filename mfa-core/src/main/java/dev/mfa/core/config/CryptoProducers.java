package dev.mfa.core.config;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.KeyPurpose;
import dev.mfa.core.crypto.reseal.LegacyCiphertextRepository;
import dev.mfa.core.crypto.reseal.LegacyReseal;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.NumericCodes;
import dev.mfa.core.otp.SecretGenerator;
import dev.mfa.core.recovery.RecoveryCodeHasher;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

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
    FieldKeys fieldKeys() {
        Map<KeyPurpose, Optional<String>> specs = new EnumMap<>(KeyPurpose.class);
        specs.put(KeyPurpose.TOTP, config.totpKeys());
        specs.put(KeyPurpose.SMS, config.smsKeys());
        specs.put(KeyPurpose.EMAIL, config.emailKeys());
        FieldKeys keys = FieldKeys.fromSpecs(specs, config.legacyFieldKeys());
        if (keys.purposes().isEmpty()) {
            throw new IllegalStateException("No field key set is configured (mfa.crypto.totp-keys, mfa.crypto.sms-keys,"
                    + " mfa.crypto.email-keys; env MFA_CRYPTO_TOTP_KEYS, MFA_CRYPTO_SMS_KEYS, MFA_CRYPTO_EMAIL_KEYS)");
        }
        return keys;
    }

    @Produces
    @Singleton
    LegacyReseal legacyReseal(LegacyCiphertextRepository repository, FieldKeys keys) {
        return new LegacyReseal(repository, keys, config.resealBatchSize());
    }

    @Produces
    @Singleton
    CodeHasher codeHasher() {
        return CodeHasher.fromBase64(config.codeHashKey()
                .orElseThrow(() -> new IllegalStateException(
                        "mfa.crypto.code-hash-key (MFA_CRYPTO_CODE_HASH_KEY) is not configured")));
    }

    @Produces
    @Singleton
    RecoveryCodeHasher recoveryCodeHasher() {
        return RecoveryCodeHasher.fromBase64(config.recoveryCodeKey()
                .orElseThrow(() -> new IllegalStateException(
                        "mfa.crypto.recovery-code-key (MFA_CRYPTO_RECOVERY_CODE_KEY) is not configured")));
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
