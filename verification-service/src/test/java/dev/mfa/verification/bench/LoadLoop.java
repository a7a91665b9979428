package dev.mfa.verification.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/** BENCHMARK ONLY: the one HTTP load loop of this module's benchmarks, closed or paced. */
final class LoadLoop {

    /** What a phase measured: answers that passed and failed, its length, and the passed ones' latencies. */
    record Measured(int ok, int errors, double seconds, long[] latenciesNanos) {

        /** The {@code p}-th percentile latency in milliseconds (NaN when nothing passed). */
        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
        }
    }

    private LoadLoop() {}

    /**
     * Sends {@code requests} for {@code seconds}: a closed loop with at most {@code concurrency} in flight when
     * {@code rate} is 0, else at a fixed rate (up to 1024 in flight; latency counted from the intended send time, so a
     * backlog is not hidden). An answer passes when {@code ok} accepts its status.
     */
    static Measured drive(
            HttpClient http, Supplier<HttpRequest> requests, IntPredicate ok, int concurrency, int seconds, double rate)
            throws InterruptedException {
        int inFlightLimit = rate > 0 ? 1024 : concurrency;
        Semaphore inFlight = new Semaphore(inFlightLimit);
        long[] latencies = new long[2_000_000];
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
                Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length)));
    }
}
