package dev.mfa.verification.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/** BENCHMARK ONLY: the one HTTP load loop of this module's benchmarks, closed or paced. */
final class LoadLoop {

    /**
     * What a phase measured: answers that passed and failed, its length, the passed ones' latencies, and when each
     * was sent (nanoseconds since the phase's start, in the same order).
     */
    record Measured(int ok, int errors, double seconds, long[] latenciesNanos, long[] sentAtNanos, long startNanos) {

        /** The {@code p}-th percentile latency in milliseconds (NaN when nothing passed). */
        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
        }

        /**
         * Where the answers slower than {@code slowMillis} fall in the phase: the {@code top} 100 ms windows (by send
         * time) with the most of them, each with its count and its slowest answer. A tail from a few stalls shows as
         * a few full windows; a tail from queueing spreads over many.
         */
        String slowWindows(double slowMillis, int top) {
            List<long[]> windows = slowWindows(slowMillis);
            StringBuilder out = new StringBuilder(String.format(
                    "%d answers over %.0f ms in %d windows of 100 ms; the fullest:",
                    windows.stream().mapToLong(w -> w[1]).sum(), slowMillis, windows.size()));
            windows.stream()
                    .limit(top)
                    .forEach(w ->
                            out.append(String.format(" [%.1f s: %d, max %.0f ms]", w[0] / 10.0, w[1], w[2] / 1e6)));
            return out.toString();
        }

        /**
         * Every window with an answer over {@code slowMillis}, fullest first: {index (100 ms each), answers, slowest
         * nanos}.
         */
        List<long[]> slowWindows(double slowMillis) {
            Map<Long, long[]> windows = new TreeMap<>();
            long slow = (long) (slowMillis * 1e6);
            for (int i = 0; i < latenciesNanos.length; i++) {
                if (latenciesNanos[i] > slow) {
                    long index = sentAtNanos[i] / 100_000_000L;
                    long[] w = windows.computeIfAbsent(index, k -> new long[] {k, 0, 0});
                    w[1]++;
                    w[2] = Math.max(w[2], latenciesNanos[i]);
                }
            }
            List<long[]> fullest = new ArrayList<>(windows.values());
            fullest.sort((a, b) -> Long.compare(b[1], a[1]));
            return fullest;
        }
    }

    private LoadLoop() {}

    /**
     * Sends {@code requests} for {@code seconds}: a closed loop with at most {@code concurrency} in flight when
     * {@code rate} is 0, else at a fixed rate over the same number of connections (as wrk2 does: latency counted from
     * the intended send time, so a backlog is not hidden, and no burst of new connections after a stall: the JDK
     * client opens one per request beyond those in flight, which a service's callers, keeping pools, do not). An
     * answer passes when {@code ok} accepts its status.
     */
    static Measured drive(
            HttpClient http, Supplier<HttpRequest> requests, IntPredicate ok, int concurrency, int seconds, double rate)
            throws InterruptedException {
        int inFlightLimit = concurrency;
        Semaphore inFlight = new Semaphore(inFlightLimit);
        long[] latencies = new long[2_000_000];
        long[] sentAt = new long[latencies.length];
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger recorded = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long interval = rate > 0 ? (long) (1e9 / rate) : 0;
        long sent = 0;
        while (true) {
            long intended = rate > 0 ? start + sent * interval : System.nanoTime();
            if (intended >= end) {
                break;
            }
            if (rate > 0) {
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            inFlight.acquire();
            sent++;
            HttpRequest request = requests.get();
            long t0 = rate > 0 ? intended : System.nanoTime();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                long took = System.nanoTime() - t0;
                inFlight.release();
                if (failure == null && ok.test(response.statusCode())) {
                    passed.incrementAndGet();
                    int i = recorded.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[i] = took;
                        sentAt[i] = t0 - start;
                    }
                } else {
                    errors.incrementAndGet();
                }
            });
        }
        inFlight.acquire(inFlightLimit); // drain
        inFlight.release(inFlightLimit);
        return new Measured(
                passed.get(),
                errors.get(),
                (System.nanoTime() - start) / 1e9,
                Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length)),
                Arrays.copyOf(sentAt, Math.min(recorded.get(), latencies.length)),
                start);
    }
}
