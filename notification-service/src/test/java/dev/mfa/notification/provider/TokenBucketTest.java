package dev.mfa.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long MS = 1_000_000L;

    @Test
    void pacesAtTheRateWithoutBurstAndLateWakeUpsDoNotSlowTheSchedule() {
        AtomicLong now = new AtomicLong(1_000 * MS);
        TokenBucket bucket = new TokenBucket(30, 1, now::get);
        long interval = bucket.intervalNanos();
        assertThat(interval).isEqualTo(33_333_333L);
        assertThat(waitFor(bucket, now)).isZero();
        assertThat(waitFor(bucket, now)).isEqualTo(interval);
        assertThat(waitFor(bucket, now)).isEqualTo(2 * interval);
        // 30 slots of a backlog: the 31st is exactly one second after the first.
        for (int i = 3; i < 30; i++) {
            waitFor(bucket, now);
        }
        assertThat(waitFor(bucket, now)).isEqualTo(30 * interval);
        // A caller that woke 5 ms late for its slot: the next slot is still on the original schedule.
        now.addAndGet(30 * interval + 5 * MS);
        assertThat(waitFor(bucket, now)).isEqualTo(interval - 5 * MS);
    }

    @Test
    void idleTimeGrantsAtMostTheBurst() {
        AtomicLong now = new AtomicLong(0);
        TokenBucket bucket = new TokenBucket(10, 3, now::get);
        waitFor(bucket, now);
        now.addAndGet(10_000 * MS);
        assertThat(waitFor(bucket, now)).isZero();
        assertThat(waitFor(bucket, now)).isZero();
        assertThat(waitFor(bucket, now)).isZero();
        assertThat(waitFor(bucket, now)).isEqualTo(100 * MS);
    }

    @Test
    void cancelledReservationGivesTheSlotBack() {
        AtomicLong now = new AtomicLong(0);
        TokenBucket bucket = new TokenBucket(10, 1, now::get);
        assertThat(waitFor(bucket, now)).isZero();
        assertThat(waitFor(bucket, now)).isEqualTo(100 * MS);
        bucket.cancelLast();
        assertThat(waitFor(bucket, now)).isEqualTo(100 * MS);
    }

    @Test
    void aLateUseMovesTheSlotsNotYetReservedButIgnoresSmallJitter() {
        long[] now = {0};
        TokenBucket bucket = new TokenBucket(10, 1, () -> now[0]);
        long first = bucket.reserveSlot();
        assertThat(first).isZero();
        bucket.usedAt(2 * MS, first, 5 * MS); // within tolerance: the schedule stays
        assertThat(bucket.reserveSlot()).isEqualTo(100 * MS);
        now[0] = 350 * MS; // that call was made 250 ms late
        bucket.usedAt(now[0], 100 * MS, 5 * MS);
        assertThat(bucket.reserveSlot())
                .as("one interval after the late call, not at once")
                .isEqualTo(450 * MS);
    }

    @Test
    void callsWhoseSlotsAStallLeftInThePastStartSpacedNotTogether() {
        long[] now = {0};
        TokenBucket bucket = new TokenBucket(30, 1, () -> now[0]);
        long interval = bucket.intervalNanos();
        long[] slots = new long[8];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = bucket.reserveSlot(); // handed to 8 senders, all held by one stall (a cold client)
        }
        now[0] = 1_000 * MS;
        long[] starts = new long[slots.length];
        for (int i = 0; i < slots.length; i++) {
            starts[i] = bucket.startAt(slots[i]);
        }
        assertThat(starts[0]).isEqualTo(now[0]);
        assertThat(starts[1]).as("half an interval of jitter tolerance").isEqualTo(now[0] + interval - interval / 2);
        for (int i = 2; i < starts.length; i++) {
            assertThat(starts[i] - starts[i - 1]).isEqualTo(interval);
        }
        // Within any 200 ms: at most 200 ms / interval + 1.5 starts, as the provider's bucket sees them.
        for (int i = 0; i < starts.length; i++) {
            int n = 0;
            for (long s : starts) {
                n += s >= starts[i] && s < starts[i] + 200 * MS ? 1 : 0;
            }
            assertThat(n).isLessThanOrEqualTo(7);
        }
    }

    @Test
    void callsOnScheduleStartAtTheirSlotsDespiteJitter() {
        long[] now = {0};
        TokenBucket bucket = new TokenBucket(30, 1, () -> now[0]);
        for (int i = 0; i < 1_000; i++) {
            long slot = bucket.reserveSlot();
            now[0] = slot + (i % 3) * 5 * MS; // woke 0, 5 or 10 ms late
            long start = bucket.startAt(slot);
            assertThat(start).as("call %d", i).isEqualTo(now[0]);
            bucket.usedAt(start, start, bucket.intervalNanos() / 2);
        }
        // The schedule did not drift: the 1,000th slot is where a strict 30/s puts it.
        assertThat(bucket.reserveSlot()).isEqualTo(1_000 * bucket.intervalNanos());
    }

    @Test
    void aLateStartMovesTheNextStart() {
        long[] now = {0};
        TokenBucket bucket = new TokenBucket(10, 1, () -> now[0]);
        long first = bucket.reserveSlot();
        long second = bucket.reserveSlot();
        long start = bucket.startAt(first);
        now[0] = 300 * MS; // the first call actually started 300 ms late (after startAt): a pause
        bucket.usedAt(now[0], start, 50 * MS);
        assertThat(bucket.startAt(second)).as("not right after the late call").isEqualTo(400 * MS - 50 * MS);
    }

    /** Reserves one token; how many nanoseconds its holder waits before using it (0 = now). */
    private static long waitFor(TokenBucket bucket, AtomicLong now) {
        return Math.max(0, bucket.reserveSlot() - now.get());
    }
}
