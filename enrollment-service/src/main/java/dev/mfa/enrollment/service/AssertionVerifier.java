package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.config.AssertionConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks verification-service's MFA assertion ({@code X-MFA-Assertion}): ES256 with its own key (never the
 * identity provider's, so an access token cannot pass), issuer and audience from {@code mfa.assertion.*},
 * {@code sub}/{@code org} equal to the caller's, issued at most {@code mfa.assertion.max-age} ago. The purpose check
 * (issue 15 #13): only what verification-service issues after a second step counts, a token with a {@code jti} (the
 * key of the single-use rule, {@link SingleUseAssertions}), a non-empty {@code amr} and a lifetime no longer than
 * {@code max-age}; anything else signed with that key is not a step-up.
 */
@ApplicationScoped
public class AssertionVerifier {

    /** Longer than any real assertion; bigger headers are refused without parsing. */
    public static final int MAX_LENGTH = 8192;
    /** Tolerated clock difference with verification-service for {@code iat}. */
    static final long CLOCK_SKEW_SECONDS = 30;

    private static final String CLASSPATH = "classpath:";
    /** The longest {@code jti} remembered (verification-service's are UUIDs). */
    static final int MAX_JTI_LENGTH = 128;

    /** A verified assertion: its {@code jti} and expiry, for the single-use rule. */
    public record Verified(String jti, Instant expiresAt) {}

    private final JWTParser parser;
    private final Clock clock;
    private final AssertionConfig config;
    private final JWTAuthContextInfo context;

    public AssertionVerifier(JWTParser parser, Clock clock, AssertionConfig config) {
        this.parser = parser;
        this.clock = clock;
        this.config = config;
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setPublicKeyContent(readKey(config.publicKeyLocation()));
        info.setIssuedBy(config.issuer());
        info.setExpectedAudience(Set.of(config.audience()));
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.ES256));
        info.setRequiredClaims(Set.of("sub", "org", "iat", "exp", "jti", "amr"));
        this.context = info;
    }

    /** Fails with 401 {@code mfa-assertion-required}, {@code mfa-assertion-invalid} or {@code mfa-assertion-expired}. */
    public Verified verify(Caller caller, String assertion) {
        if (assertion == null || assertion.isBlank()) {
            throw ProblemException.unauthorized(
                    "mfa-assertion-required",
                    "This change needs a recent second-factor verification (X-MFA-Assertion).");
        }
        if (assertion.length() > MAX_LENGTH) {
            throw invalid();
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(assertion.trim(), context);
        } catch (ParseException | RuntimeException e) {
            throw invalid();
        }
        Caller asserted;
        try {
            asserted = Caller.from(jwt);
        } catch (ProblemException e) {
            throw invalid();
        }
        if (!asserted.userId().equals(caller.userId()) || !asserted.orgId().equals(caller.orgId())) {
            throw invalid();
        }
        long now = clock.instant().getEpochSecond();
        long iat = jwt.getIssuedAtTime();
        if (iat > now + CLOCK_SKEW_SECONDS || now - iat > config.maxAge().toSeconds()) {
            throw ProblemException.unauthorized(
                    "mfa-assertion-expired", "The second-factor verification is too old. Verify again.");
        }
        if (jwt.getExpirationTime() <= now) {
            throw ProblemException.unauthorized(
                    "mfa-assertion-expired", "The second-factor verification is too old. Verify again.");
        }
        return new Verified(stepUpId(jwt), Instant.ofEpochSecond(jwt.getExpirationTime()));
    }

    /** The purpose check: the {@code jti} of a second step's assertion, or 401 for any other token of that key. */
    private String stepUpId(JsonWebToken jwt) {
        String jti = jwt.getTokenID();
        Object amr = jwt.getClaim("amr");
        boolean hasAmr = amr instanceof java.util.Collection<?> c
                ? !c.isEmpty()
                : amr instanceof jakarta.json.JsonArray a && !a.isEmpty();
        long lifetime = jwt.getExpirationTime() - jwt.getIssuedAtTime();
        if (jti == null
                || jti.isBlank()
                || jti.length() > MAX_JTI_LENGTH
                || !hasAmr
                || lifetime > config.maxAge().toSeconds() + CLOCK_SKEW_SECONDS) {
            throw invalid();
        }
        return jti;
    }

    private static ProblemException invalid() {
        return ProblemException.unauthorized(
                "mfa-assertion-invalid",
                "The second-factor verification (X-MFA-Assertion) is not valid for this user.");
    }

    static String readKey(String location) {
        String trimmed = location.trim();
        try {
            if (!trimmed.startsWith(CLASSPATH) && Files.isRegularFile(Path.of(trimmed))) {
                return Files.readString(Path.of(trimmed), StandardCharsets.US_ASCII);
            }
            String resource = trimmed.startsWith(CLASSPATH) ? trimmed.substring(CLASSPATH.length()) : trimmed;
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("mfa.assertion.public-key-location not found: " + location);
                }
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read mfa.assertion.public-key-location", e);
        }
    }

    Instant now() {
        return clock.instant();
    }
}
