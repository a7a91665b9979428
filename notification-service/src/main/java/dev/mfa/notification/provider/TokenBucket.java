package dev.mfa.notification.provider;

import java.util.function.LongSupplier;

/**
 * Outbound pacing shared by every sender of the process: {@code ratePerSecond} tokens per second, at most
 * {@code burst} held. Implemented as reservations on a theoretical arrival time (GCRA): a caller reserves the next
 * slot and sleeps until it, so a late wake-up never shifts the slots after it and the long-run rate stays exact.
 */
public final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long intervalNanos;
    private final long burstNanos;
    private final LongSupplier nanoTime;
    private long next;
    private boolean started;

    public TokenBucket(double ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    TokenBucket(double ratePerSecond, int burst, LongSupplier nanoTime) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.intervalNanos = Math.max(1, Math.round(NANOS_PER_SECOND / ratePerSecond));
        this.burstNanos = (Math.max(1, burst) - 1) * intervalNanos;
        this.nanoTime = nanoTime;
    }

    /** Reserves one token; returns how many nanoseconds the caller must wait before using it (0 = now). */
    public long reserve() {
        long now = nanoTime.getAsLong();
        return Math.max(0, reserveSlot(now) - now);
    }

    /**
     * Reserves one token and returns its slot as a {@link System#nanoTime()} instant (possibly in the past, when
     * burst credit is used): the caller may prepare the send before the slot and must not send before it.
     */
    public long reserveSlot() {
        return reserveSlot(nanoTime.getAsLong());
    }

    private synchronized long reserveSlot(long now) {
        // After idle time the schedule restarts, keeping at most `burst` tokens of credit.
        long slot = started ? Math.max(next, now - burstNanos) : now - burstNanos;
        started = true;
        next = slot + intervalNanos;
        return slot;
    }

    /**
     * Tells the bucket that a slot was actually used at {@code usedAt} ({@link System#nanoTime()}), later than
     * reserved by more than {@code tolerance} (the caller was starved of CPU, a pause): slots not yet reserved then
     * start one interval after it, so that the calls delayed by the stall are not followed by the next ones at once
     * (the provider would see a burst). Costs rate only when calls are actually late.
     */
    public synchronized void usedAt(long usedAt, long slot, long toleranceNanos) {
        if (usedAt - slot > toleranceNanos) {
            next = Math.max(next, usedAt + intervalNanos);
        }
    }

    /** Gives back one reservation whose slot was not used (after idle time the schedule restarts anyway). */
    public synchronized void cancelLast() {
        next -= intervalNanos;
    }

    public long intervalNanos() {
        return intervalNanos;
    }
}
