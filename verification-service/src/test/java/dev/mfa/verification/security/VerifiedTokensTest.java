package dev.mfa.verification.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.localstack.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    private static final Instant T0 = Instant.parse("2026-12-05T03:00:00Z");

    /** A verified token as the parser returns it: only its exp matters here. */
    private static JsonWebToken jwt(Instant exp) {
        return new MapToken(Map.of("exp", exp.getEpochSecond(), "sub", "u1"));
    }

    @Test
    void servesAVerifiedTokenUntilMaxAgeOnly() {
        TestClock clock = TestClock.frozenAt(T0);
        VerifiedTokens cache = new VerifiedTokens(clock, 10, Duration.ofSeconds(30));
        JsonWebToken t = jwt(T0.plusSeconds(3600));
        assertThat(cache.get("a.b.c")).isNull();
        cache.put("a.b.c", t);
        assertThat(cache.get("a.b.c")).isSameAs(t);
        assertThat(cache.get("a.b.x"))
                .as("another token (e.g. another signature)")
                .isNull();
        clock.advance(Duration.ofSeconds(29));
        assertThat(cache.get("a.b.c")).isSameAs(t);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("a.b.c")).isNull();
        assertThat(cache.hits()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(3);
    }

    @Test
    void neverServesATokenAtOrAfterItsExpiry() {
        TestClock clock = TestClock.frozenAt(T0);
        VerifiedTokens cache = new VerifiedTokens(clock, 10, Duration.ofSeconds(30));
        cache.put("soon", jwt(T0.plusSeconds(5)));
        assertThat(cache.get("soon")).isNotNull();
        clock.advance(Duration.ofSeconds(5));
        assertThat(cache.get("soon")).isNull();
        cache.put("expired", jwt(T0));
        assertThat(cache.get("expired")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void holdsAtMostMaxEntriesTheOldestMakingRoomForTheNewest() {
        TestClock clock = TestClock.frozenAt(T0);
        VerifiedTokens cache = new VerifiedTokens(clock, 2, Duration.ofSeconds(30));
        cache.put("t1", jwt(T0.plusSeconds(3600)));
        cache.put("t2", jwt(T0.plusSeconds(3600)));
        cache.put("t3", jwt(T0.plusSeconds(3600)));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("t3")).as("the newest is kept").isNotNull();
        assertThat(cache.get("t2")).isNotNull();
        assertThat(cache.get("t1")).as("the oldest made room").isNull();
    }

    @Test
    void atAnyRateASignInsSecondCallFindsItsToken() {
        // Far more callers than entries, each calling twice in a row (challenge, then verify), as under load.
        VerifiedTokens cache = new VerifiedTokens(TestClock.frozenAt(T0), 16, Duration.ofSeconds(30));
        int hits = 0;
        for (int i = 0; i < 1000; i++) {
            String token = "caller-" + i;
            if (cache.get(token) == null) {
                cache.put(token, jwt(T0.plusSeconds(3600)));
            }
            hits += cache.get(token) == null ? 0 : 1;
        }
        assertThat(hits).isEqualTo(1000);
        assertThat(cache.size()).isEqualTo(16);
    }

    @Test
    void zeroEntriesTurnsItOff() {
        VerifiedTokens cache = new VerifiedTokens(TestClock.frozenAt(T0), 0, Duration.ofSeconds(30));
        cache.put("t1", jwt(T0.plusSeconds(3600)));
        assertThat(cache.get("t1")).isNull();
        assertThat(cache.size()).isZero();
    }
}
