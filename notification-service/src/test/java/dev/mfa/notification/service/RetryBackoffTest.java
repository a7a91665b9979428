package dev.mfa.notification.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry delay: doubles per attempt, capped, with at most half of it random. */
class RetryBackoffTest {

    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(60);

    @Test
    void theDelayDoublesPerAttemptWithHalfOfItFixed() {
        for (int attempt = 1; attempt <= 6; attempt++) {
            long cap = 1000L << (attempt - 1);
            for (int i = 0; i < 50; i++) {
                assertThat(RetryBackoff.after(attempt, BASE, MAX).toMillis()).isBetween(cap / 2, cap);
            }
        }
    }

    @Test
    void theDelayNeverExceedsTheMaximumHoweverManyAttempts() {
        for (int attempt : new int[] {7, 30, 1000}) {
            assertThat(RetryBackoff.after(attempt, BASE, MAX)).isBetween(MAX.dividedBy(2), MAX);
        }
    }
}
