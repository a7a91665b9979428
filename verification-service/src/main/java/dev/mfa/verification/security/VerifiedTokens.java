package dev.mfa.verification.security;

import dev.mfa.core.cache.NewestEntries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Access tokens already verified, so that a caller's next calls with the same token (a sign-in sends it twice:
 * challenge, then verify) skip parsing and verifying it again (issue 16: the token check was 16 % of the service's
 * CPU samples). An entry is served at most {@code max-age} after it was verified and never at or after the token's
 * {@code exp}; at most {@code max-entries} are held, and when full the entry verified longest ago makes room: a
 * sign-in's second call follows its first within milliseconds, so at any rate the newest tokens are the ones worth
 * keeping. (It used to refuse new tokens while full of live ones, and scan the map on every refusal: above ~35
 * sign-ins/s the cache held only stale callers and the check cost more than without it — issue 16's second profile.)
 * Keyed by the token's SHA-256, so the map holds no token; only successfully verified tokens get in.
 */
@ApplicationScoped
public class VerifiedTokens {

    private record Entry(JsonWebToken jwt, Instant until) {}

    private final NewestEntries<String, Entry> entries;
    private final Clock clock;
    private final Duration maxAge;

    @Inject
    public VerifiedTokens(
            Clock clock,
            @ConfigProperty(name = "mfa.security.token-cache.max-entries") int maxEntries,
            @ConfigProperty(name = "mfa.security.token-cache.max-age") Duration maxAge) {
        this.entries = new NewestEntries<>(maxEntries);
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** The verified token for {@code raw}, or null when it is not (or no longer) cached. */
    public JsonWebToken get(String raw) {
        if (!entries.enabled()) {
            return null;
        }
        Instant now = clock.instant();
        Entry e = entries.get(key(raw), entry -> now.isBefore(entry.until()), entry -> true);
        return e == null ? null : e.jwt();
    }

    /** Remembers a token the parser has just verified. */
    public void put(String raw, JsonWebToken jwt) {
        if (!entries.enabled()) {
            return;
        }
        Instant now = clock.instant();
        Instant until = now.plus(maxAge);
        Instant exp = Instant.ofEpochSecond(jwt.getExpirationTime());
        if (exp.isBefore(until)) {
            until = exp;
        }
        if (now.isBefore(until)) {
            entries.put(key(raw), new Entry(jwt, until));
        }
    }

    public long hits() {
        return entries.hits();
    }

    public long misses() {
        return entries.misses();
    }

    public int size() {
        return entries.size();
    }

    private static String key(String raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
