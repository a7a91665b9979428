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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Access tokens already verified, so that a caller's next calls with the same token (a sign-in sends it twice:
 * challenge, then verify) skip parsing and verifying it again (issue 16: the token check was 16 % of the service's
 * CPU samples). An entry is served at most {@code max-age} after it was verified and never at or after the token's
 * {@code exp}; at most {@code max-entries} are held (when full and nothing has expired, new tokens are simply not
 * cached). Keyed by the token's SHA-256, so the map holds no token; only successfully verified tokens get in.
 */
@ApplicationScoped
public class VerifiedTokens {

    private record Entry(JsonWebToken jwt, Instant until) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
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
    }

    /** The verified token for {@code raw}, or null when it is not (or no longer) cached. */
    public JsonWebToken get(String raw) {
        if (maxEntries <= 0) {
            return null;
        }
        String key = key(raw);
        Entry e = entries.get(key);
        if (e != null && clock.instant().isBefore(e.until())) {
            hits.increment();
            return e.jwt();
        }
        if (e != null) {
            entries.remove(key, e);
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
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(x -> !now.isBefore(x.until()));
            if (entries.size() >= maxEntries) {
                return; // full of live entries: the bound wins, this token is verified again next time
            }
        }
        entries.put(key(raw), new Entry(jwt, until));
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
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
