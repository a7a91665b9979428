package dev.mfa.enrollment.service;

import dev.mfa.enrollment.config.ReauthConfig;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

import java.net.URI;
import java.nio.file.Path;

/** Chooses the password verifier from {@code mfa.reauth.verifier}. */
public class PasswordVerifierProducer {

    @Produces
    @Singleton
    PasswordVerifier passwordVerifier(ReauthConfig config) {
        return switch (config.verifier()) {
            case "file" -> new FilePasswordVerifier(Path.of(config.passwordFile().orElseThrow(
                    () -> new IllegalStateException("mfa.reauth.password-file is required by the file verifier"))));
            case "http" -> new HttpPasswordVerifier(URI.create(config.verifyUrl().orElseThrow(
                    () -> new IllegalStateException("mfa.reauth.verify-url is required by the http verifier"))),
                    config.verifyTimeout());
            default -> throw new IllegalStateException("mfa.reauth.verifier must be file or http");
        };
    }
}
