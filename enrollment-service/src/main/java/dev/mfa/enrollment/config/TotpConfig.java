package dev.mfa.enrollment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Authenticator-app enrollment ({@code mfa.totp.*}). */
@ConfigMapping(prefix = "mfa.totp")
public interface TotpConfig {

    /** Shown by authenticator apps next to the account; must not contain ':'. */
    @WithDefault("MFA Platform")
    String issuer();

    /** How long a started enrollment waits for its confirmation code. */
    @WithDefault("PT10M")
    Duration enrollmentTtl();

    /** Side of the QR code image in pixels (at least 256). */
    @WithDefault("300")
    int qrSize();
}
