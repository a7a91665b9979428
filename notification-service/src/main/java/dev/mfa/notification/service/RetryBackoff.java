package dev.mfa.notification.service;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The retry delay of every dispatch queue after a temporary provider failure. */
final class RetryBackoff {

    private RetryBackoff() {}

    /**
     * Exponential backoff with equal jitter: half the capped delay fixed (so retries never bunch up at zero), half
     * random (so requests that failed together do not retry together).
     */
    static Duration after(int attempts, Duration base, Duration max) {
        long b = Math.max(1, base.toMillis());
        long cap = Math.min(max.toMillis(), b << Math.min(20, Math.max(0, attempts - 1)));
        long half = Math.max(1, cap / 2);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }
}
