package dev.mfa.localstack;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the {@link VonageStub} answers to the next {@code POST /sms/json} requests. Each request consumes the head of
 * a queue of scripted {@link Response}s (a response with {@code times > 1} serves that many requests); with an
 * empty queue every well-formed request with good credentials succeeds (status {@code "0"}).
 *
 * <p>Settable over HTTP: {@code POST /_stub/behaviour} with
 * {@code {"responses":[{"status":"1"},{"httpStatus":503,"times":2},{"status":"0","delayMillis":1500}],"append":false}},
 * {@code GET /_stub/behaviour} shows what is pending, {@code DELETE /_stub/behaviour} resets.
 *
 * <p>Besides the script, standing {@link Settings} (HTTP: {@code GET|POST|DELETE /_stub/config}, partial updates):
 * <ul>
 * <li>throttling like Vonage's per-account throughput limit: a token bucket of {@code throttlePerSecond} tokens per
 * second holding at most {@code throttleBurst}; a well-formed request finding it empty is answered status
 * {@code "1"} (Throughput Rate Exceeded) and not accepted;</li>
 * <li>an outage: for {@code outageMillis} from now every request is answered HTTP {@code outageHttpStatus}
 * (default 503), optionally after {@code delayMillis} (slow answers apply to every request);</li>
 * <li>delivery receipts: after accepting a message the stub POSTs a Vonage DLR (form-encoded: {@code msisdn},
 * {@code to}, {@code network-code}, {@code messageId}, {@code price}, {@code status}, {@code scts},
 * {@code err-code}, {@code message-timestamp}, {@code client-ref}) to the request's {@code callback}, else to
 * {@code receiptUrl}, after {@code receiptDelayMillis}; signed ({@code timestamp}, {@code nonce}, {@code sig}) when
 * {@code signatureSecret} is set, with {@code signatureMethod} {@code sha256} (HMAC, default), {@code sha512},
 * {@code sha1}, {@code md5} or {@code md5hash}.</li>
 * </ul>
 */
public final class StubBehaviour {

    /**
     * A scripted answer. {@code httpStatus} other than 200 (e.g. 500, 503) is answered as that HTTP error with no
     * Vonage body; otherwise {@code status} is the Vonage per-message status ({@code "0"} success, {@code "1"}
     * throttled, {@code "4"} bad credentials, {@code "5"} internal error, {@code "29"} non-whitelisted destination,
     * ...) with {@code errorText} (a Vonage-like default when null). {@code delayMillis} delays the answer.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Response(String status, Integer httpStatus, String errorText, Long delayMillis, Integer times) {

        public static Response ok() {
            return new Response("0", null, null, null, null);
        }

        public static Response status(String vonageStatus) {
            return new Response(vonageStatus, null, null, null, null);
        }

        public static Response httpError(int httpStatus) {
            return new Response(null, httpStatus, null, null, null);
        }

        public Response times(int n) {
            return new Response(status, httpStatus, errorText, delayMillis, n);
        }

        public Response delayed(long millis) {
            return new Response(status, httpStatus, errorText, millis, times);
        }

        int httpStatusOrOk() {
            return httpStatus == null ? 200 : httpStatus;
        }

        String statusOrOk() {
            return status == null ? "0" : status;
        }

        int timesOrOne() {
            return times == null || times < 1 ? 1 : times;
        }
    }

    /** Body of {@code POST /_stub/behaviour}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Script(List<Response> responses, Boolean append) {}

    /**
     * Standing behaviour; null fields mean "unchanged" in an update and "off"/default in the current settings.
     * {@code outageMillis} is relative to the moment the settings are applied.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(
            Double throttlePerSecond,
            Integer throttleBurst,
            Long outageMillis,
            Integer outageHttpStatus,
            Long delayMillis,
            String receiptUrl,
            String receiptStatus,
            String receiptErrCode,
            Long receiptDelayMillis,
            String signatureSecret,
            String signatureMethod) {

        public static Settings none() {
            return new Settings(null, null, null, null, null, null, null, null, null, null, null);
        }

        // Each "with" is an update of the named fields applied over these settings (a null argument keeps the field).
        public Settings throttle(double perSecond, int burst) {
            return new Settings(perSecond, burst, null, null, null, null, null, null, null, null, null).over(this);
        }

        public Settings outage(long millis, int httpStatus) {
            return new Settings(null, null, millis, httpStatus, null, null, null, null, null, null, null).over(this);
        }

        public Settings delay(long millis) {
            return new Settings(null, null, null, null, millis, null, null, null, null, null, null).over(this);
        }

        public Settings receipts(String url, String status, String errCode, long delay) {
            return new Settings(null, null, null, null, null, url, status, errCode, delay, null, null).over(this);
        }

        public Settings signed(String secret, String method) {
            return new Settings(null, null, null, null, null, null, null, null, null, secret, method).over(this);
        }

        /** This update applied over {@code current}. */
        Settings over(Settings current) {
            return new Settings(
                    pick(throttlePerSecond, current.throttlePerSecond),
                    pick(throttleBurst, current.throttleBurst),
                    pick(outageMillis, current.outageMillis),
                    pick(outageHttpStatus, current.outageHttpStatus),
                    pick(delayMillis, current.delayMillis),
                    pick(receiptUrl, current.receiptUrl),
                    pick(receiptStatus, current.receiptStatus),
                    pick(receiptErrCode, current.receiptErrCode),
                    pick(receiptDelayMillis, current.receiptDelayMillis),
                    pick(signatureSecret, current.signatureSecret),
                    pick(signatureMethod, current.signatureMethod));
        }

        private static <T> T pick(T update, T current) {
            return update != null ? update : current;
        }
    }

    static final int PRECEDING = 8;

    private final Deque<Response> queue = new ArrayDeque<>();
    private Settings settings = Settings.none();
    private long outageUntilMillis;
    private double tokens;
    private long tokensAtNanos;
    /** When the last {@value #PRECEDING} calls that took a token arrived and were metered (rings), how many took one. */
    private final long[] acceptedArrived = new long[PRECEDING];

    private final long[] acceptedMetered = new long[PRECEDING];
    private long acceptedCount;

    /** Replaces the script. */
    public synchronized StubBehaviour script(Response... responses) {
        queue.clear();
        return enqueue(responses);
    }

    /** Appends to the script. */
    public synchronized StubBehaviour enqueue(Response... responses) {
        for (Response r : responses) {
            for (int i = 0; i < r.timesOrOne(); i++) {
                queue.addLast(new Response(r.status(), r.httpStatus(), r.errorText(), r.delayMillis(), null));
            }
        }
        return this;
    }

    synchronized void apply(Script script) {
        if (script.append() == null || !script.append()) {
            queue.clear();
        }
        if (script.responses() != null) {
            enqueue(script.responses().toArray(new Response[0]));
        }
    }

    /** The answer for the next request: the head of the script, or success. */
    public synchronized Response next() {
        Response r = queue.pollFirst();
        return r == null ? Response.ok() : r;
    }

    public synchronized List<Response> pending() {
        return new ArrayList<>(queue);
    }

    public synchronized void reset() {
        queue.clear();
    }

    /** Applies the non-null fields of {@code update} (an {@code outageMillis} starts now; 0 ends an outage). */
    public synchronized StubBehaviour configure(Settings update) {
        settings = update.over(settings);
        if (update.outageMillis() != null) {
            outageUntilMillis = System.currentTimeMillis() + Math.max(0, update.outageMillis());
        }
        if (update.throttlePerSecond() != null || update.throttleBurst() != null) {
            tokens = burst();
            tokensAtNanos = System.nanoTime();
        }
        return this;
    }

    /** Back to no throttling, no outage, no delay, no receipts. */
    public synchronized void resetSettings() {
        settings = Settings.none();
        outageUntilMillis = 0;
    }

    public synchronized Settings settings() {
        return settings;
    }

    /** The HTTP status of an ongoing outage, or 0. */
    synchronized int outageStatus() {
        if (System.currentTimeMillis() >= outageUntilMillis) {
            return 0;
        }
        return settings.outageHttpStatus() == null ? 503 : settings.outageHttpStatus();
    }

    synchronized long delayMillis() {
        return settings.delayMillis() == null ? 0 : settings.delayMillis();
    }

    /**
     * What metering one call found: accepted (a token taken) or throttled. A throttled call carries the bucket level
     * it found and the {@value #PRECEDING} accepted calls before it (oldest first): when each arrived and when each
     * was metered ({@link System#nanoTime()}).
     */
    record Metering(boolean accepted, double tokens, long[] precedingArrivedNanos, long[] precedingMeteredNanos) {
        static final Metering UNLIMITED = new Metering(true, Double.NaN, null, null);
    }

    /**
     * Takes one token of the throughput limit for a call that arrived at {@code arrivedNanos} (as the stub began
     * handling it) and is metered at {@code meteredNanos}. A throttled call takes no token. Threads may meter in a
     * slightly different order than their times; a call is never metered before the latest one metered (refill
     * already credited is not given back), so the limit holds for every window.
     */
    synchronized Metering meterThroughput(long arrivedNanos, long meteredNanos) {
        Double rate = settings.throttlePerSecond();
        if (rate == null || rate <= 0) {
            return Metering.UNLIMITED;
        }
        long now = Math.max(meteredNanos, tokensAtNanos);
        tokens = Math.min(burst(), tokens + (now - tokensAtNanos) / 1e9 * rate);
        tokensAtNanos = now;
        if (tokens < 1) {
            int n = (int) Math.min(PRECEDING, acceptedCount);
            long[] arrived = new long[n];
            long[] metered = new long[n];
            for (int i = 0; i < n; i++) {
                int slot = (int) ((acceptedCount - n + i) % PRECEDING);
                arrived[i] = acceptedArrived[slot];
                metered[i] = acceptedMetered[slot];
            }
            return new Metering(false, tokens, arrived, metered);
        }
        tokens -= 1;
        int slot = (int) (acceptedCount++ % PRECEDING);
        acceptedArrived[slot] = arrivedNanos;
        acceptedMetered[slot] = meteredNanos;
        return new Metering(true, tokens, null, null);
    }

    private int burst() {
        Integer b = settings.throttleBurst();
        return b == null || b < 1 ? 1 : b;
    }
}
