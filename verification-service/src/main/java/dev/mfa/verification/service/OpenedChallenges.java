package dev.mfa.verification.service;

import dev.mfa.core.cache.NewestEntries;
import dev.mfa.verification.config.VerificationConfig;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The challenges this replica opened, with the TOTP factors the opening read (secrets still sealed), so that the
 * sign-in's verify can match the code without reading them again and take it in one statement (issue 16). Nothing
 * here is trusted for a decision: the statement re-checks the user's lock and wait, the challenge and the factor's
 * step under the user's row lock, and anything it does not accept goes the locked path, which reads everything again.
 * A stale entry (a factor removed, a step used meanwhile) therefore costs a round trip, never a wrong answer.
 *
 * <p>At most {@code max-entries} are held; when full the challenge opened longest ago makes room (a verify follows its
 * challenge within seconds, so the newest are the ones worth keeping), and an entry is never served at or after its
 * challenge's expiry. A challenge opened on another replica, or evicted, is simply not found: the verify then reads
 * it ({@code VerificationRepository.peek}).
 */
@ApplicationScoped
public class OpenedChallenges {

    /** A challenge as opened (never completed) and its user's TOTP factors, newest first. */
    public record Remembered(Challenge challenge, List<Factor> totpFactors) {}

    private final NewestEntries<UUID, Remembered> entries;
    private final Clock clock;

    @Inject
    public OpenedChallenges(VerificationConfig config, Clock clock) {
        this(config.openedChallengeCache().maxEntries(), clock);
    }

    public OpenedChallenges(int maxEntries, Clock clock) {
        this.entries = new NewestEntries<>(maxEntries);
        this.clock = clock;
    }

    /** Remembers a challenge just opened with its TOTP factors; one without TOTP factors is not worth an entry. */
    public void remember(Challenge challenge, List<Factor> totpFactors) {
        if (entries.enabled() && !totpFactors.isEmpty()) {
            entries.put(challenge.challengeId, new Remembered(challenge, List.copyOf(totpFactors)));
        }
    }

    /** The challenge if this replica opened it for {@code userId} and it has not expired; else null. */
    public Remembered find(UUID challengeId, String userId) {
        Instant now = clock.instant();
        return entries.get(
                challengeId,
                r -> !r.challenge().isExpired(now),
                r -> r.challenge().userId.equals(userId));
    }

    /** The challenge was verified: no later verify of it can succeed, so its entry is of no further use. */
    public void forget(UUID challengeId) {
        entries.remove(challengeId);
    }

    public long hits() {
        return entries.hits();
    }

    public int size() {
        return entries.size();
    }
}
