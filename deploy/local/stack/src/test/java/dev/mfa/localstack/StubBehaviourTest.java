package dev.mfa.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The throughput bucket on synthetic clocks ({@link System#nanoTime()} values chosen by the test). */
class StubBehaviourTest {

    private static final long MS = 1_000_000L;

    private static StubBehaviour throttling(double perSecond, int burst) {
        return new StubBehaviour().configure(StubBehaviour.Settings.none().throttle(perSecond, burst));
    }

    @Test
    void callsSpacedAtTheRateAreNeverThrottled() {
        StubBehaviour b = throttling(30, 5);
        long t = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            t += 33_334_000L; // 29.9994 per second
            assertThat(b.meterThroughput(t, t).accepted()).as("call %d", i).isTrue();
        }
    }

    @Test
    void aBurstBeyondTheBucketIsThrottledWithTheCallsBeforeIt() {
        StubBehaviour b = throttling(30, 5);
        long t = System.nanoTime() + 1000 * MS;
        for (int i = 0; i < 5; i++) {
            assertThat(b.meterThroughput(t + i * MS, t + i * MS).accepted()).isTrue();
        }
        StubBehaviour.Metering m = b.meterThroughput(t + 5 * MS, t + 5 * MS);
        assertThat(m.accepted()).isFalse();
        assertThat(m.tokens()).isLessThan(1);
        assertThat(m.precedingArrivedNanos()).containsExactly(t, t + MS, t + 2 * MS, t + 3 * MS, t + 4 * MS);
        // A token refills in 1/30 s.
        assertThat(b.meterThroughput(t + 40 * MS, t + 40 * MS).accepted()).isTrue();
    }

    @Test
    void theContextHoldsTheLastEightAcceptedCallsOldestFirst() {
        StubBehaviour b = throttling(30, 5);
        long t = System.nanoTime() + 1000 * MS;
        for (int i = 0; i < 20; i++) {
            b.meterThroughput(t + i * 40 * MS, t + i * 40 * MS + MS);
        }
        long last = t + 19 * 40 * MS;
        for (int i = 0; i < 5; i++) {
            b.meterThroughput(last + MS, last + MS);
        }
        StubBehaviour.Metering m = b.meterThroughput(last + 2 * MS, last + 2 * MS);
        assertThat(m.accepted()).isFalse();
        assertThat(m.precedingArrivedNanos()).hasSize(StubBehaviour.PRECEDING);
        assertThat(m.precedingArrivedNanos()[StubBehaviour.PRECEDING - 1]).isEqualTo(last + MS);
        // 20 spaced calls, then a burst of which 4 found a token: the 8 are calls 16..19 and those 4.
        assertThat(m.precedingMeteredNanos()[0]).isEqualTo(t + 16 * 40 * MS + MS);
    }

    @Test
    void aCallMeteredOutOfOrderIsNotCreditedTwice() {
        StubBehaviour b = throttling(30, 1);
        long t = System.nanoTime() + 1000 * MS;
        assertThat(b.meterThroughput(t, t).accepted()).isTrue();
        assertThat(b.meterThroughput(t + 34 * MS, t + 34 * MS).accepted()).isTrue();
        // Stamped earlier than the call already metered: the refill up to then is spent, so no second token.
        assertThat(b.meterThroughput(t + 20 * MS, t + 20 * MS).accepted()).isFalse();
    }

    @Test
    void withoutAThrottleEveryCallIsAccepted() {
        StubBehaviour b = new StubBehaviour();
        long t = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertThat(b.meterThroughput(t, t).accepted()).isTrue();
        }
    }

    @Test
    void thePauseWatchReportsPausesOverlappingAWindow() {
        PauseWatch w = new PauseWatch();
        w.record(new PauseWatch.Pause(100 * MS, 250 * MS));
        w.record(new PauseWatch.Pause(900 * MS, 930 * MS));
        List<PauseWatch.Pause> found = w.overlapping(200 * MS, 400 * MS);
        assertThat(found).containsExactly(new PauseWatch.Pause(100 * MS, 250 * MS));
        assertThat(found.get(0).millis()).isEqualTo(150.0);
        assertThat(w.overlapping(300 * MS, 800 * MS)).isEmpty();
    }
}
