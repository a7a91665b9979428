package dev.mfa.localstack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Notices when the {@link VonageStub}'s process could not run: a daemon thread sleeps {@value #TICK_MILLIS} ms at a
 * time and records every wake-up later than {@value #THRESHOLD_MILLIS} ms beyond that (a GC pause, CPU starvation)
 * as a pause. Calls that reached the stub during a pause are handled together when it ends, so a throttled call
 * preceded by a pause tells that the stub, not its client, bunched them.
 */
final class PauseWatch {

    static final long TICK_MILLIS = 10;
    static final long THRESHOLD_MILLIS = 20;
    private static final int KEPT = 512;

    /** A stretch of {@link System#nanoTime()} during which the watch did not run. */
    record Pause(long startNanos, long endNanos) {
        double millis() {
            return (endNanos - startNanos) / 1e6;
        }
    }

    private final Deque<Pause> pauses = new ArrayDeque<>();
    private volatile Thread thread;

    synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::watch, "vonage-stub-pause-watch");
        thread.setDaemon(true);
        thread.start();
    }

    synchronized void stop() {
        if (thread != null) {
            thread.interrupt();
            thread = null;
        }
    }

    private void watch() {
        long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        long threshold = TimeUnit.MILLISECONDS.toNanos(THRESHOLD_MILLIS);
        while (!Thread.currentThread().isInterrupted()) {
            long before = System.nanoTime();
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long after = System.nanoTime();
            if (after - before - tick > threshold) {
                record(new Pause(before + tick, after));
            }
        }
    }

    synchronized void record(Pause p) {
        if (pauses.size() == KEPT) {
            pauses.removeFirst();
        }
        pauses.addLast(p);
    }

    /** Pauses overlapping {@code [fromNanos, toNanos]}, oldest first. */
    synchronized List<Pause> overlapping(long fromNanos, long toNanos) {
        List<Pause> found = new ArrayList<>();
        for (Pause p : pauses) {
            if (p.endNanos() >= fromNanos && p.startNanos() <= toNanos) {
                found.add(p);
            }
        }
        return found;
    }
}
