package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa.verification.service.ThrottlePolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThrottlePolicyTest {

    private final ThrottlePolicy policy = new ThrottlePolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(15), 100);

    @Test
    void firstFailuresAreFree() {
        for (int failures = 0; failures < 5; failures++) {
            assertThat(policy.delayAfter(failures)).isZero();
            assertThat(policy.attemptsRemaining(failures)).isEqualTo(5 - failures);
        }
        assertThat(policy.attemptsRemaining(5)).isZero();
        assertThat(policy.attemptsRemaining(50)).isZero();
    }

    @Test
    void waitDoublesFromTheFifthFailureUpToFifteenMinutes() {
        assertThat(policy.delayAfter(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(14)).isEqualTo(Duration.ofSeconds(512));
        assertThat(policy.delayAfter(15)).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.delayAfter(99)).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void locksAtOneHundred() {
        assertThat(policy.locks(99)).isFalse();
        assertThat(policy.locks(100)).isTrue();
    }

    @Test
    void blockedUntilAndRetryAfter() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(policy.blockedUntil(4, now)).isNull();
        assertThat(policy.blockedUntil(6, now)).isEqualTo(now.plusSeconds(2));
        assertThat(ThrottlePolicy.secondsUntil(now.plusMillis(1), now)).isEqualTo(1);
        assertThat(ThrottlePolicy.secondsUntil(now.plusMillis(1001), now)).isEqualTo(2);
        assertThat(ThrottlePolicy.secondsUntil(now.minusSeconds(5), now)).isEqualTo(1);
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThatThrownBy(() -> new ThrottlePolicy(0, Duration.ofSeconds(1), Duration.ofMinutes(1), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(5, Duration.ofMinutes(2), Duration.ofMinutes(1), 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
