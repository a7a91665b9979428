package dev.mfa.verification.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.localstack.testing.TestClock;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OpenedChallengesTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    private final TestClock clock = TestClock.frozenAt(NOW);
    private final Factor factor = new Factor();

    private static Challenge challenge(String userId) {
        Challenge c = new Challenge();
        c.challengeId = UUID.randomUUID();
        c.userId = userId;
        c.methods = "TOTP";
        c.expiresAt = NOW.plus(Duration.ofMinutes(5));
        return c;
    }

    @Test
    void aChallengeIsFoundForItsUserOnly() {
        OpenedChallenges opened = new OpenedChallenges(4, clock);
        Challenge c = challenge("alice");
        opened.remember(c, List.of(factor));

        assertThat(opened.find(c.challengeId, "alice").challenge()).isSameAs(c);
        assertThat(opened.find(c.challengeId, "alice").totpFactors()).containsExactly(factor);
        assertThat(opened.find(c.challengeId, "mallory")).isNull();
        assertThat(opened.find(UUID.randomUUID(), "alice")).isNull();
    }

    @Test
    void whenFullTheChallengeOpenedLongestAgoMakesRoom() {
        OpenedChallenges opened = new OpenedChallenges(2, clock);
        Challenge first = challenge("a");
        Challenge second = challenge("b");
        Challenge third = challenge("c");
        opened.remember(first, List.of(factor));
        opened.remember(second, List.of(factor));
        opened.remember(third, List.of(factor));

        assertThat(opened.size()).isEqualTo(2);
        assertThat(opened.find(first.challengeId, "a")).isNull();
        assertThat(opened.find(second.challengeId, "b")).isNotNull();
        assertThat(opened.find(third.challengeId, "c")).isNotNull();
    }

    @Test
    void anExpiredChallengeIsNeverServedAndLeaves() {
        OpenedChallenges opened = new OpenedChallenges(4, clock);
        Challenge c = challenge("alice");
        opened.remember(c, List.of(factor));

        clock.advanceTo(c.expiresAt);

        assertThat(opened.find(c.challengeId, "alice")).isNull();
        assertThat(opened.size()).isZero();
    }

    @Test
    void aVerifiedChallengeIsForgotten() {
        OpenedChallenges opened = new OpenedChallenges(4, clock);
        Challenge c = challenge("alice");
        opened.remember(c, List.of(factor));

        opened.forget(c.challengeId);

        assertThat(opened.find(c.challengeId, "alice")).isNull();
    }

    @Test
    void withoutTotpFactorsOrWithoutRoomNothingIsKept() {
        OpenedChallenges opened = new OpenedChallenges(4, clock);
        opened.remember(challenge("alice"), List.of());
        OpenedChallenges off = new OpenedChallenges(0, clock);
        Challenge c = challenge("alice");
        off.remember(c, List.of(factor));

        assertThat(opened.size()).isZero();
        assertThat(off.size()).isZero();
        assertThat(off.find(c.challengeId, "alice")).isNull();
    }
}
