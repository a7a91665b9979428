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
 * <p>Extension points (not implemented yet): provider-side throttling (answer status {@code "1"} above N messages
 * per second), and delivery receipts (POST a DLR to the request's {@code callback} or a configured URL). Add them as
 * fields here and apply them in {@link VonageStub}'s request handler, next to {@link #next()}.
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
    public record Script(List<Response> responses, Boolean append) {
    }

    private final Deque<Response> queue = new ArrayDeque<>();

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
}
