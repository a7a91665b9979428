package dev.mfa.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The edge's settings ({@code mfa.web.*}). */
@ConfigMapping(prefix = "mfa.web")
public interface WebConfig {

    /** Base URL of enrollment-service (every {@code /api/v1/**} but challenges and devices). */
    @WithDefault("http://localhost:8081")
    URI enrollmentUrl();

    /** Base URL of verification-service ({@code /api/v1/challenges/**}, {@code /api/v1/devices/**}). */
    @WithDefault("http://localhost:8082")
    URI verificationUrl();

    Session session();

    DevLogin devLogin();

    Oidc oidc();

    /**
     * Production sign-in: the OpenID Connect authorization-code flow of {@code quarkus-oidc} on {@code GET /login}
     * ({@code quarkus.oidc.tenant-enabled} follows this switch; on in the prod profile).
     */
    interface Oidc {
        @WithDefault("false")
        boolean enabled();

        /** Where the browser goes once the edge holds the session: the second step of sign-in. */
        @WithDefault("/verify.html")
        String landingPage();
    }

    interface Session {
        @WithDefault("mfa_session")
        String cookieName();

        /** Secure cookie attribute: off only for plain-http local runs (see application.properties). */
        @WithDefault("true")
        boolean cookieSecure();

        @WithDefault("PT30M")
        Duration idleTimeout();

        @WithDefault("PT8H")
        Duration maxAge();

        /** Sessions held at once; the oldest are dropped beyond this (a bound on memory). */
        @WithDefault("10000")
        int maxSessions();
    }

    /** The local identity provider stand-in (CONTRACT §7): refused outside the local, dev and test profiles. */
    interface DevLogin {
        @WithDefault("false")
        boolean enabled();

        /** Seed files ({@code deploy/local/seed.json} shape) naming the users, their org, groups and Pay role. */
        Optional<List<String>> directory();

        /** Password hashes written by the seed loader ({@code .run/password-hashes.json}). */
        Optional<String> passwordFile();

        /** PEM (PKCS#8) of the committed local dev key that signs access tokens. */
        Optional<String> signingKey();

        @WithDefault("https://mfa.local/dev")
        String issuer();

        @WithDefault("mfa-api")
        String audience();

        @WithDefault("PT1H")
        Duration tokenTtl();
    }
}
