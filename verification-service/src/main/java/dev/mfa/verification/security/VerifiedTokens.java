package dev.mfa.verification.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
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

    /** Insertion order, bounded: the eldest entry goes when a new one would exceed the bound. Guarded by itself. */
    private final LinkedHashMap<String, Entry> entries;

    private final Clock clock;
    private final int maxEntries;
    private final Duration maxAge;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    @Inject
    public VerifiedTokens(
            Clock clock,
            @ConfigProperty(name = "mfa.security.token-cache.max-entries") int maxEntries,
            @ConfigProperty(name = "mfa.security.token-cache.max-age") Duration maxAge) {
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxAge = maxAge;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The verified token for {@code raw}, or null when it is not (or no longer) cached. */
    public JsonWebToken get(String raw) {
        if (maxEntries <= 0) {
            return null;
        }
        String key = key(raw);
        Instant now = clock.instant();
        synchronized (entries) {
            Entry e = entries.get(key);
            if (e != null && now.isBefore(e.until())) {
                hits.increment();
                return e.jwt();
            }
            if (e != null) {
                entries.remove(key);
            }
        }
        misses.increment();
        return null;
    }

    /** Remembers a token the parser has just verified. */
    public void put(String raw, JsonWebToken jwt) {
        if (maxEntries <= 0) {
            return;
        }
        Instant now = clock.instant();
        Instant until = now.plus(maxAge);
        Instant exp = Instant.ofEpochSecond(jwt.getExpirationTime());
        if (exp.isBefore(until)) {
            until = exp;
        }
        if (!now.isBefore(until)) {
            return;
        }
        String key = key(raw);
        synchronized (entries) {
            entries.put(key, new Entry(jwt, until));
        }
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
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
