package dev.mfa.enrollment.service;

import dev.mfa.enrollment.config.ReauthConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;

/** Chooses the password verifier from {@code mfa.reauth.verifier}. */
public class PasswordVerifierProducer {

    /** Made at startup, not at the first reauth: a misconfigured verifier stops the service, not a reauth (500). */
    @Produces
    @Singleton
    @Startup
    PasswordVerifier passwordVerifier(ReauthConfig config) {
        return switch (config.verifier()) {
            case "file" ->
                new FilePasswordVerifier(Path.of(config.passwordFile()
                        .orElseThrow(() -> new IllegalStateException(
                                "mfa.reauth.password-file is required by the file verifier"))));
            case "http" ->
                http(
                        config.verifyUrl()
                                .orElseThrow(() -> new IllegalStateException(
                                        "mfa.reauth.verify-url is required by the http verifier")),
                        config.verifyTimeout(),
                        isProd());
            default -> throw new IllegalStateException("mfa.reauth.verifier must be file or http");
        };
    }

    /** The http verifier; in prod the password travels over https only, so anything else refuses to start. */
    static HttpPasswordVerifier http(String url, Duration timeout, boolean prod) {
        URI uri = URI.create(url.trim());
        if (prod && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalStateException("mfa.reauth.verify-url must be an https URL in prod");
        }
        return new HttpPasswordVerifier(uri, timeout);
    }

    private static boolean isProd() {
        return ConfigProvider.getConfig()
                .unwrap(SmallRyeConfig.class)
                .getProfiles()
                .contains("prod");
    }
}
