package dev.mfa.enrollment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Re-authentication before MFA changes ({@code mfa.reauth.*}). */
@ConfigMapping(prefix = "mfa.reauth")
public interface ReauthConfig {

    /** {@code file} (local: PBKDF2 hashes in a JSON file) or {@code http} (the identity provider). */
    @WithDefault("file")
    String verifier();

    /** JSON file {@code {"<userId>":"pbkdf2-sha256$<iterations>$<saltB64>$<hashB64>"}} for the file verifier. */
    Optional<String> passwordFile();

    /** The identity provider's password-check endpoint for the http verifier (see docs/enrollment.md). */
    Optional<String> verifyUrl();

    /** Timeout of one call to the identity provider. */
    @WithDefault("PT5S")
    Duration verifyTimeout();

    /** How long a reauth token works. */
    @WithDefault("PT5M")
    Duration tokenTtl();

    /** Wrong passwords accepted within {@link #failureWindow()} before answering 429. */
    @WithDefault("5")
    int maxFailures();

    @WithDefault("PT15M")
    Duration failureWindow();

    /** Tokens (successful checks) issued within {@link #failureWindow()} before answering 429. */
    @WithDefault("10")
    int maxTokens();
}
