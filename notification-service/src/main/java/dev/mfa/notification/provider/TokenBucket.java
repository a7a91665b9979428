package dev.mfa.notification.provider;

import java.util.function.LongSupplier;

/**
 * Outbound pacing shared by every sender of the process: {@code ratePerSecond} tokens per second, at most
 * {@code burst} held. Implemented as reservations on a theoretical arrival time (GCRA): a caller reserves the next
 * slot and sleeps until it, so a late wake-up never shifts the slots after it and the long-run rate stays exact.
 * Slots are reserved ahead of their use, so the calls themselves pass a second gate ({@link #startAt}) that spaces
 * their actual starts.
 */
public final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long intervalNanos;
    private final long burstNanos;
    private final long startToleranceNanos;
    private final LongSupplier nanoTime;
    private long next;
    private boolean started;
    /** Theoretical start of the next call (GCRA on the calls' starts, see {@link #startAt}). */
    private long nextStart;

    private boolean anyStart;

    public TokenBucket(double ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    TokenBucket(double ratePerSecond, int burst, LongSupplier nanoTime) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.intervalNanos = Math.max(1, Math.round(NANOS_PER_SECOND / ratePerSecond));
        this.burstNanos = (Math.max(1, burst) - 1) * intervalNanos;
        this.startToleranceNanos = burstNanos + intervalNanos / 2;
        this.nanoTime = nanoTime;
    }

    /**
     * Reserves one token and returns its slot as a {@link System#nanoTime()} instant (possibly in the past, when
     * burst credit is used): the caller may prepare the send before the slot and must not send before it.
     */
    public synchronized long reserveSlot() {
        long now = nanoTime.getAsLong();
        // After idle time the schedule restarts, keeping at most `burst` tokens of credit.
        long slot = started ? Math.max(next, now - burstNanos) : now - burstNanos;
        started = true;
        next = slot + intervalNanos;
        return slot;
    }

    /**
     * When the holder of {@code slot}, ready to call, may start its call ({@link System#nanoTime()}; possibly now):
     * not before its slot, and not before one interval after the previous call's start, less half an interval (plus
     * the burst's credit) so that wake-up jitter costs no rate. Needed because slots are handed out ahead of their
     * use: the pacer reserves and claims the next one while earlier senders are still busy, so one stall that holds
     * several senders at once (the provider client's first call loading its classes, ~0.7 s; a pause) leaves all
     * their slots in the past, and without this gate their calls would leave together (8 calls within 23 ms at the
     * start of a drain, of which Vonage throttles 3). With it the starts within any window of length W number at
     * most W / interval + 1.5 (+ burst − 1), whatever the slots.
     */
    public synchronized long startAt(long slot) {
        long now = nanoTime.getAsLong();
        long start = Math.max(slot, now);
        if (anyStart) {
            start = Math.max(start, nextStart - startToleranceNanos);
        }
        anyStart = true;
        nextStart = Math.max(nextStart, start) + intervalNanos;
        return start;
    }

    /**
     * Tells the bucket that a call planned for {@code planned} (its slot, or what {@link #startAt} gave) was actually
     * started at {@code usedAt} ({@link System#nanoTime()}), later by more than {@code tolerance} (the caller was
     * starved of CPU, a pause): slots not yet reserved, and the next start, then come one interval after it, so that
     * the call delayed by the stall is not followed by the next ones at once (the provider would see a burst). Costs
     * rate only when calls are actually late.
     */
    public synchronized void usedAt(long usedAt, long planned, long toleranceNanos) {
        if (usedAt - planned > toleranceNanos) {
            next = Math.max(next, usedAt + intervalNanos);
            nextStart = Math.max(nextStart, usedAt + intervalNanos);
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
