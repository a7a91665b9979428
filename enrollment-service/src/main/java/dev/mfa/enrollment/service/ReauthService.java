package dev.mfa.enrollment.service;

import dev.mfa.core.problem.Problem;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.enrollment.config.ReauthConfig;
import dev.mfa.enrollment.repository.ReauthRepository;
import dev.mfa.enrollment.repository.UserLocks;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Re-authentication with the current password before MFA changes. Wrong passwords are counted in the database
 * (so every replica sees them); the issued token is random, stored only as its SHA-256, bound to the user and to
 * the single purpose of changing MFA settings, and valid {@code mfa.reauth.token-ttl}.
 */
@ApplicationScoped
public class ReauthService {

    /** The only thing a reauth token is good for. */
    public static final String PURPOSE = "mfa-settings";

    public static final int TOKEN_BYTES = 32;
    /** Longer than any real token: bigger headers are refused before hashing. */
    public static final int MAX_TOKEN_LENGTH = 128;

    private static final String LOCK_PURPOSE = "reauth";
    private static final Logger LOG = Logger.getLogger(ReauthService.class);

    private final PasswordVerifier verifier;
    private final ReauthConfig config;
    private final Clock clock;
    private final Vertx vertx;
    private final UserLocks locks;
    private final ReauthRepository repository;
    private final SecureRandom random = new SecureRandom();

    public ReauthService(
            PasswordVerifier verifier,
            ReauthConfig config,
            Clock clock,
            Vertx vertx,
            UserLocks locks,
            ReauthRepository repository) {
        this.locks = locks;
        this.repository = repository;
        this.verifier = verifier;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
    }

    public record Issued(String reauthToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[reauthToken=***, expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * 200 with a token, 401 for a wrong password, 429 when throttled. The attempt is reserved (counted as a failure)
     * under a per-user lock before the password is checked, so parallel requests cannot each get a guess; a success
     * clears the failures, and successes are limited per window as well.
     */
    public Uni<Issued> reauthenticate(String userId, String password) {
        return reserve(userId)
                .flatMap(reservedAt -> checkPassword(userId, password)
                        .onFailure()
                        .call(e -> release(userId, reservedAt)) // not checked: the attempt is given back
                        .flatMap(ok -> ok ? issue(userId) : wrongPassword(userId)));
    }

    /** In its own transaction, under the user's lock: 429 when throttled, else one failure row; its time. */
    private Uni<Instant> reserve(String userId) {
        // PostgreSQL keeps microseconds: the time must read back equal for release() to find the row.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> locks.lock(LOCK_PURPOSE, userId)
                        .flatMap(i -> throttledUntil(userId, now))
                        .flatMap(failuresWait ->
                                failuresWait != null ? Uni.createFrom().item(failuresWait) : tokensWait(userId, now))
                        .flatMap(retryAfter -> {
                            if (retryAfter != null) {
                                return Uni.createFrom()
                                        .failure(ProblemException.tooManyRequests(
                                                "reauth-throttled",
                                                "Too many password checks. Try again later.",
                                                retryAfter.toSeconds() + 1));
                            }
                            return repository.addFailure(userId, now);
                        }))
                .replaceWith(now);
    }

    /** Gives back a reservation whose password could not be checked (identity provider unavailable). */
    private Uni<Void> release(String userId, Instant reservedAt) {
        return Panache.withTransaction(() -> repository.removeOneFailure(userId, reservedAt));
    }

    /** Null while fewer than {@code max-tokens} tokens were issued in the window, else the wait. */
    private Uni<Duration> tokensWait(String userId, Instant now) {
        return repository
                .recentTokens(userId, now.minus(config.failureWindow()), config.maxTokens())
                .map((List<Instant> recent) -> recent.size() < config.maxTokens()
                        ? null
                        : Duration.between(now, recent.get(recent.size() - 1).plus(config.failureWindow())));
    }

    // PBKDF2 (or the identity provider's HTTP call) must not block the event loop; executeBlocking resumes on
    // this request's Vert.x context, where the reactive session lives.
    private Uni<Boolean> checkPassword(String userId, String password) {
        return vertx.executeBlocking(
                        Uni.createFrom().item(() -> {
                            char[] chars = password.toCharArray();
                            try {
                                return verifier.verify(userId, chars);
                            } finally {
                                Arrays.fill(chars, '\0');
                            }
                        }),
                        false)
                .onFailure(HttpPasswordVerifier.PasswordCheckUnavailable.class)
                .transform(e -> {
                    LOG.warnf("password check unavailable: %s", e.getMessage());
                    return new ProblemException(Problem.of(
                            503,
                            "password-check-unavailable",
                            "Service unavailable",
                            "The password cannot be checked right now. Try again later."));
                });
    }

    /** Null when not throttled, else how long until the oldest counted failure leaves the window. */
    private Uni<Duration> throttledUntil(String userId, Instant now) {
        return repository
                .recentFailures(userId, now.minus(config.failureWindow()), config.maxFailures())
                .map((List<Instant> recent) -> {
                    if (recent.size() < config.maxFailures()) {
                        return null;
                    }
                    Instant oldest = recent.get(recent.size() - 1);
                    return Duration.between(now, oldest.plus(config.failureWindow()));
                });
    }

    /** The failure was recorded by the reservation. */
    private Uni<Issued> wrongPassword(String userId) {
        LOG.infof("wrong password at reauth for user %s", userId);
        return Uni.createFrom()
                .failure(ProblemException.unauthorized("wrong-password", "The password is not correct."));
    }

    private Uni<Issued> issue(String userId) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(config.tokenTtl());
        LOG.debugf("reauth token issued to user %s until %s", userId, expiresAt);
        return Panache.withTransaction(() -> repository
                        .clearFailures(userId)
                        .flatMap(i -> repository.addToken(hash(token), userId, PURPOSE, now, expiresAt)))
                .replaceWith(new Issued(token, expiresAt));
    }

    /** Fails with 401 {@code reauth-required} unless {@code token} is this user's live token. Needs a session. */
    public Uni<Void> requireToken(String userId, String token) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            return Uni.createFrom().failure(reauthRequired());
        }
        return repository
                .isLive(hash(token.trim()), userId, PURPOSE, clock.instant())
                .flatMap(live ->
                        live ? Uni.createFrom().voidItem() : Uni.createFrom().failure(reauthRequired()));
    }

    private static ProblemException reauthRequired() {
        return ProblemException.unauthorized(
                "reauth-required",
                "Confirm your password first (POST /api/v1/me/reauth) and send the token in X-Reauth-Token.");
    }

    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Expired tokens older than the window (they still count toward the success limit) and old failures go. */
    public Uni<Void> purge() {
        Instant now = clock.instant();
        Instant since = now.minus(config.failureWindow());
        return Panache.withTransaction(() -> repository.purge(now, since));
    }
}
