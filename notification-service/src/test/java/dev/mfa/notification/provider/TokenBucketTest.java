package dev.mfa.notification.provider;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

    private static final long MS = 1_000_000L;

    @Test
    void pacesAtTheRateWithoutBurstAndLateWakeUpsDoNotSlowTheSchedule() {
        AtomicLong now = new AtomicLong(1_000 * MS);
        TokenBucket bucket = new TokenBucket(30, 1, now::get);
        long interval = bucket.intervalNanos();
        assertThat(interval).isEqualTo(33_333_333L);
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isEqualTo(interval);
        assertThat(bucket.reserve()).isEqualTo(2 * interval);
        // 30 slots of a backlog: the 31st is exactly one second after the first.
        for (int i = 3; i < 30; i++) {
            bucket.reserve();
        }
        assertThat(bucket.reserve()).isEqualTo(30 * interval);
        // A caller that woke 5 ms late for its slot: the next slot is still on the original schedule.
        now.addAndGet(30 * interval + 5 * MS);
        assertThat(bucket.reserve()).isEqualTo(interval - 5 * MS);
    }

    @Test
    void idleTimeGrantsAtMostTheBurst() {
        AtomicLong now = new AtomicLong(0);
        TokenBucket bucket = new TokenBucket(10, 3, now::get);
        bucket.reserve();
        now.addAndGet(10_000 * MS);
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isEqualTo(100 * MS);
    }

    @Test
    void cancelledReservationGivesTheSlotBack() {
        AtomicLong now = new AtomicLong(0);
        TokenBucket bucket = new TokenBucket(10, 1, now::get);
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isEqualTo(100 * MS);
        bucket.cancelLast();
        assertThat(bucket.reserve()).isEqualTo(100 * MS);
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
        assertThat(bucket.reserveSlot()).as("one interval after the late call, not at once").isEqualTo(450 * MS);
    }
}
