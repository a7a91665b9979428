package dev.mfa.verification.service;

import dev.mfa.verification.config.VerificationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;

/**
 * Per-user throttling after consecutive failures: the first {@code freeFailures} cost nothing, the one that reaches
 * it imposes {@code baseDelay}, each further one doubles the wait up to {@code maxDelay}; {@code lockAfter}
 * consecutive failures lock the user until an admin reset.
 */
@ApplicationScoped
public class ThrottlePolicy {

    private final int freeFailures;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final int lockAfter;

    @Inject
    public ThrottlePolicy(VerificationConfig config) {
        this(
                config.throttle().freeFailures(),
                config.throttle().baseDelay(),
                config.throttle().maxDelay(),
                config.throttle().lockAfter());
    }

    public ThrottlePolicy(int freeFailures, Duration baseDelay, Duration maxDelay, int lockAfter) {
        if (freeFailures < 1
                || lockAfter <= freeFailures
                || baseDelay.isNegative()
                || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("inconsistent throttle settings");
        }
        this.freeFailures = freeFailures;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.lockAfter = lockAfter;
    }

    /** The wait imposed after the {@code failures}-th consecutive failure (zero while attempts remain). */
    public Duration delayAfter(int failures) {
        if (failures < freeFailures) {
            return Duration.ZERO;
        }
        int doublings = failures - freeFailures;
        // 2^20 base delays exceed any sensible cap; stop doubling there to avoid overflow.
        if (doublings >= 20) {
            return maxDelay;
        }
        Duration delay = baseDelay.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    /** Further failures allowed without any wait. */
    public int attemptsRemaining(int failures) {
        return Math.max(0, freeFailures - failures);
    }

    public boolean locks(int failures) {
        return failures >= lockAfter;
    }

    /** When the wait ends, or null when there is none. */
    public Instant blockedUntil(int failures, Instant now) {
        Duration delay = delayAfter(failures);
        return delay.isZero() ? null : now.plus(delay);
    }

    /** Whole seconds until {@code until}, at least 1 (for {@code Retry-After}). */
    public static long secondsUntil(Instant until, Instant now) {
        long millis = Duration.between(now, until).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
