package dev.mfa.verification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The MFA assertion this service signs ({@code mfa.assertion.*}, env {@code MFA_ASSERTION_*}). */
@ConfigMapping(prefix = "mfa.assertion")
public interface AssertionConfig {

    @WithDefault("https://mfa.local/verification")
    String issuer();

    @WithDefault("mfa")
    String audience();

    @WithDefault("PT10M")
    Duration lifetime();

    /** PKCS#8 PEM EC P-256 private key (ES256): a file path, or a classpath resource (prefix {@code classpath:} optional). */
    String privateKeyLocation();
}
