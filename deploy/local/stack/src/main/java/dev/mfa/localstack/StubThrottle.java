package dev.mfa.localstack;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A call the {@link VonageStub} throttled (status {@code "1"}), with what preceded it, to tell who bunched the calls:
 * the times of the {@value StubBehaviour#PRECEDING} accepted calls before it, and the pauses of the stub's own
 * process ({@link PauseWatch}) in the second before. Times are milliseconds relative to the throttled call's arrival
 * (negative: before it). A call "arrives" when the stub begins handling it and is "metered" when the throughput
 * bucket looks at it. {@code GET /_stub/throttles}; no numbers or texts.
 *
 * @param arrivedAt        wall-clock arrival of the throttled call
 * @param meteredMillis    when it was metered
 * @param tokens           what the bucket held then (below 1)
 * @param preceding        the accepted calls before it, oldest first
 * @param pauses           pauses of the stub's process overlapping the second before it, oldest first
 */
public record StubThrottle(
        Instant arrivedAt, double meteredMillis, double tokens, List<Call> preceding, List<Pause> pauses) {

    /** An accepted call: when it arrived and when it was metered. */
    public record Call(double arrivedMillis, double meteredMillis) {}

    /** The stub's process did not run for {@code millis} ms, until {@code endMillis}. */
    public record Pause(double endMillis, double millis) {}

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT,
                "throttled a call arriving at %s (metered %+.1f ms, bucket %.2f); accepted before it (arrived/metered ms):",
                arrivedAt,
                meteredMillis,
                tokens));
        for (Call c : preceding) {
            s.append(String.format(Locale.ROOT, " %.1f/%.1f", c.arrivedMillis(), c.meteredMillis()));
        }
        s.append("; stub pauses in the second before (ms long, ending at ms):");
        if (pauses.isEmpty()) {
            s.append(" none");
        }
        for (Pause p : pauses) {
            s.append(String.format(Locale.ROOT, " %.1f@%.1f", p.millis(), p.endMillis()));
        }
        return s.toString();
    }
}
