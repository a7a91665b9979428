package dev.mfa.verification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which JCA implementation does this service's cryptography ({@code mfa.crypto.*}, env {@code MFA_CRYPTO_*}). */
@ConfigMapping(prefix = "mfa.crypto")
public interface CryptoConfig {

    /**
     * Install Amazon Corretto Crypto Provider (AWS-LC, native) as the first JCA provider when it loads on this
     * platform; otherwise, or when false, the JDK's providers do everything.
     */
    @WithDefault("true")
    boolean nativeProvider();
}
