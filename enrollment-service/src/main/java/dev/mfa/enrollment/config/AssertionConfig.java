package dev.mfa.enrollment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** verification-service's MFA assertions ({@code mfa.assertion.*}, design.md). */
@ConfigMapping(prefix = "mfa.assertion")
public interface AssertionConfig {

    @WithDefault("https://mfa.local/verification")
    String issuer();

    @WithDefault("mfa")
    String audience();

    /** PEM public key: a file path, or a classpath resource (optionally prefixed {@code classpath:}). */
    String publicKeyLocation();

    /** An assertion older than this (by {@code iat}) does not count as a recent second factor. */
    @WithDefault("PT10M")
    Duration maxAge();
}
