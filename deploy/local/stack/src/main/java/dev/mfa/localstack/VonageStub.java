package dev.mfa.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Local/test stand-in for the Vonage SMS API ({@code POST /sms/json}): answers like Vonage does, records what it
 * accepted, and can be scripted to fail. Runs standalone (the local stack, port 8089) or in-process from a test:
 *
 * <pre>
 * VonageStub stub = new VonageStub(0).start();      // 0 = a free port
 * ... point the Vonage client at stub.baseUrl() ...
 * stub.messages(); stub.clear(); stub.behaviour().script(StubBehaviour.Response.httpError(503));
 * stub.stop();
 * </pre>
 *
 * <p>Requests: form-encoded (what the Vonage Java SDK sends), JSON, or query parameters; {@code api_key} /
 * {@code api_secret} in the parameters, an {@code Authorization: Basic} header (the SDK's default), or
 * {@code api_key} + {@code sig} (signature not checked). Parameters {@code from}, {@code to}, {@code text},
 * optional {@code type}, {@code callback}, {@code client-ref}, {@code status-report-req}, ...
 * By default any non-blank key and secret are accepted; {@link #requireCredentials} makes only one pair valid
 * (others answer status {@code "4"} Bad Credentials).
 *
 * <p>Stub endpoints: {@code GET /_stub/messages[?to=]} ({@code [{"to","from","text","receivedAt",...}]}, newest
 * last), {@code DELETE /_stub/messages}, {@code GET|POST|DELETE /_stub/behaviour} (scripted answers) and
 * {@code GET|POST|DELETE /_stub/config} (throttling, outage, slow answers, delivery receipts; see
 * {@link StubBehaviour}), {@code GET /_stub/stats} ({@code {"accepted","throttled","failed","receiptsPosted",
 * "receiptsFailed"}}), {@code GET|DELETE /_stub/throttles} (each throttled call with the times of the calls before
 * it and the stub's own pauses: {@link StubThrottle}), {@code GET /_stub/health}.
 */
public final class VonageStub implements AutoCloseable {

    public static final int DEFAULT_PORT = 8089;
    public static final String REMAINING_BALANCE = "10.0";
    public static final String MESSAGE_PRICE = "0.03";
    public static final String NETWORK = "12345";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final int requestedPort;
    private final List<StubMessage> messages = new CopyOnWriteArrayList<>();
    private final StubBehaviour behaviour = new StubBehaviour();
    private volatile String requiredKey;
    private volatile String requiredSecret;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong receiptsPosted = new AtomicLong();
    private final AtomicLong receiptsFailed = new AtomicLong();
    private final List<Throttled> throttles = new CopyOnWriteArrayList<>();
    private final PauseWatch pauseWatch = new PauseWatch();
    private HttpServer server;
    private ExecutorService executor;
    private ScheduledExecutorService receiptExecutor;
    private HttpClient receiptClient;

    /** A stub that will listen on {@code port} (0 = a free port) once {@link #start()}ed. */
    public VonageStub(int port) {
        this.requestedPort = port;
    }

    /** Accept only this key and secret (null: accept any non-blank pair). */
    public VonageStub requireCredentials(String apiKey, String apiSecret) {
        this.requiredKey = apiKey;
        this.requiredSecret = apiSecret;
        return this;
    }

    public synchronized VonageStub start() throws IOException {
        if (server != null) {
            return this;
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vonage-stub-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 50);
        receiptExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vonage-stub-receipts");
            t.setDaemon(true);
            return t;
        });
        receiptClient = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        server.setExecutor(executor);
        server.createContext("/sms/json", this::handleSms);
        server.createContext("/_stub/config", this::handleConfig);
        server.createContext("/_stub/stats", this::handleStats);
        server.createContext("/_stub/throttles", this::handleThrottles);
        server.createContext("/_stub/messages", this::handleMessages);
        server.createContext("/_stub/behaviour", this::handleBehaviour);
        server.createContext("/_stub/health", ex -> respond(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        server.createContext("/", ex -> respond(ex, 404, "application/json", "{\"error\":\"not found\"}"));
        server.start();
        pauseWatch.start();
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            pauseWatch.stop();
            receiptExecutor.shutdownNow();
            executor.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    /** {@code http://localhost:PORT}: the Vonage client's base URI ({@code /sms/json} is appended by the client). */
    public String baseUrl() {
        return "http://localhost:" + port();
    }

    /** Accepted messages, oldest first. */
    public List<StubMessage> messages() {
        return List.copyOf(messages);
    }

    /** Accepted messages to one number (as sent, e.g. {@code 14155550100}). */
    public List<StubMessage> messagesTo(String to) {
        return messages.stream().filter(m -> to.equals(m.to())).toList();
    }

    public void clear() {
        messages.clear();
    }

    public StubBehaviour behaviour() {
        return behaviour;
    }

    // ------------------------------------------------------------------------------------------ /sms/json

    private void handleSms(HttpExchange ex) throws IOException {
        long arrivedNanos = System.nanoTime();
        Instant arrivedAt = Instant.now();
        try (ex) {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            if (!method.equals("POST") && !method.equals("GET")) {
                respond(ex, 405, "application/json", "{\"error\":\"method not allowed\"}");
                return;
            }
            Map<String, String> p = params(ex);
            long standingDelay = behaviour.delayMillis();
            int outage = behaviour.outageStatus();
            if (outage != 0) {
                sleep(standingDelay);
                failed.incrementAndGet();
                respond(ex, outage, "text/plain", "Injected outage HTTP " + outage);
                return;
            }
            StubBehaviour.Response scripted = behaviour.next();
            long delay = scripted.delayMillis() != null ? scripted.delayMillis() : standingDelay;
            if (delay > 0) {
                sleep(delay);
            }
            if (scripted.httpStatusOrOk() != 200) {
                failed.incrementAndGet();
                respond(ex, scripted.httpStatusOrOk(), "text/plain", "Injected HTTP " + scripted.httpStatusOrOk());
                return;
            }
            String to = p.get("to");
            String[] credentials = credentials(ex, p);
            if (credentials[0] == null || credentials[0].isBlank()) {
                respond(ex, 200, "application/json", error(null, "2", "Missing api_key"));
                return;
            }
            if (!credentialsValid(credentials[0], credentials[1], p.get("sig"))) {
                respond(ex, 200, "application/json", error(null, "4", "Bad Credentials"));
                return;
            }
            String type = p.getOrDefault("type", "text");
            String text = p.get("text");
            if (blank(p.get("from"))) {
                respond(ex, 200, "application/json", error(to, "2", "Missing from param"));
                return;
            }
            if (blank(to)) {
                respond(ex, 200, "application/json", error(null, "2", "Missing to param"));
                return;
            }
            if ((type.equals("text") || type.equals("unicode")) && blank(text)) {
                respond(ex, 200, "application/json", error(to, "2", "Missing Message Text"));
                return;
            }
            if (!scripted.statusOrOk().equals("0")) {
                failed.incrementAndGet();
                String errorText =
                        scripted.errorText() != null ? scripted.errorText() : errorText(scripted.statusOrOk());
                respond(ex, 200, "application/json", error(to, scripted.statusOrOk(), errorText));
                return;
            }
            long meteredNanos = System.nanoTime();
            StubBehaviour.Metering metering = behaviour.meterThroughput(arrivedNanos, meteredNanos);
            if (!metering.accepted()) {
                throttled.incrementAndGet();
                throttled(arrivedAt, arrivedNanos, meteredNanos, metering);
                respond(ex, 200, "application/json", error(to, "1", errorText("1")));
                return;
            }
            int parts = parts(type, text);
            String clientRef = p.get("client-ref");
            List<Map<String, String>> entries = new ArrayList<>();
            String firstId = null;
            for (int i = 0; i < parts; i++) {
                String id = UUID.randomUUID().toString();
                firstId = firstId == null ? id : firstId;
                Map<String, String> m = new LinkedHashMap<>();
                m.put("to", to);
                m.put("message-id", id);
                m.put("status", "0");
                m.put("remaining-balance", REMAINING_BALANCE);
                m.put("message-price", MESSAGE_PRICE);
                m.put("network", NETWORK);
                if (clientRef != null) {
                    m.put("client-ref", clientRef);
                }
                entries.add(m);
            }
            Instant receivedAt = arrivedAt;
            messages.add(
                    new StubMessage(to, p.get("from"), text, receivedAt, firstId, type, clientRef, p.get("callback")));
            accepted.incrementAndGet();
            scheduleReceipt(to, p.get("from"), firstId, clientRef, p.get("callback"));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("message-count", Integer.toString(parts));
            body.put("messages", entries);
            respond(ex, 200, "application/json", JSON.writeValueAsString(body));
        }
    }

    /** A throttled call as metered ({@link System#nanoTime()}); turned into a {@link StubThrottle} when asked for. */
    private record Throttled(
            Instant arrivedAt, long arrivedNanos, long meteredNanos, StubBehaviour.Metering metering) {}

    /**
     * Keeps what preceded a throttled call (who bunched the calls, the client or the stub?) and prints it a moment
     * later, once the pause watch has noticed a pause that may just have ended.
     */
    private void throttled(Instant arrivedAt, long arrivedNanos, long meteredNanos, StubBehaviour.Metering m) {
        Throttled t = new Throttled(arrivedAt, arrivedNanos, meteredNanos, m);
        throttles.add(t);
        try {
            receiptExecutor.schedule(
                    () -> System.out.println("VonageStub: " + describe(t)),
                    PauseWatch.TICK_MILLIS * 10,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping: nothing to print to
        }
    }

    private StubThrottle describe(Throttled t) {
        StubBehaviour.Metering m = t.metering();
        List<StubThrottle.Call> preceding = new ArrayList<>();
        for (int i = 0; i < m.precedingArrivedNanos().length; i++) {
            preceding.add(new StubThrottle.Call(
                    millis(m.precedingArrivedNanos()[i] - t.arrivedNanos()),
                    millis(m.precedingMeteredNanos()[i] - t.arrivedNanos())));
        }
        List<StubThrottle.Pause> pauses =
                pauseWatch.overlapping(t.arrivedNanos() - 1_000_000_000L, t.meteredNanos()).stream()
                        .map(p -> new StubThrottle.Pause(millis(p.endNanos() - t.arrivedNanos()), p.millis()))
                        .toList();
        return new StubThrottle(
                t.arrivedAt(), millis(t.meteredNanos() - t.arrivedNanos()), m.tokens(), preceding, pauses);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    /** Throttled calls since start (or {@link #resetStats()}), oldest first. */
    public List<StubThrottle> throttles() {
        return throttles.stream().map(this::describe).toList();
    }

    private boolean credentialsValid(String key, String secret, String sig) {
        boolean hasSecret = secret != null && !secret.isBlank();
        boolean hasSig = sig != null && !sig.isBlank();
        if (!hasSecret && !hasSig) {
            return false;
        }
        if (requiredKey == null) {
            return true;
        }
        return requiredKey.equals(key) && (hasSig || requiredSecret == null || requiredSecret.equals(secret));
    }

    /** [key, secret] from Basic auth, else from the parameters. */
    private static String[] credentials(HttpExchange ex, Map<String, String> p) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded =
                        new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
                }
            } catch (IllegalArgumentException ignored) {
                // fall back to parameters
            }
        }
        return new String[] {p.get("api_key"), p.get("api_secret")};
    }

    /** Vonage splits long messages: 160/153 GSM characters, 70/67 for unicode. */
    static int parts(String type, String text) {
        if (text == null) {
            return 1;
        }
        int len = text.codePointCount(0, text.length());
        boolean unicode = "unicode".equals(type);
        int single = unicode ? 70 : 160;
        int multi = unicode ? 67 : 153;
        return len <= single ? 1 : (len + multi - 1) / multi;
    }

    static String errorText(String status) {
        return switch (status) {
            case "1" -> "Throughput Rate Exceeded - please wait [ 1000 ] and retry";
            case "2" -> "Missing Parameters";
            case "3" -> "Invalid Parameters";
            case "4" -> "Bad Credentials";
            case "5" -> "Internal Error";
            case "6" -> "Invalid Message";
            case "7" -> "Number Barred";
            case "8" -> "Partner Account Barred";
            case "9" -> "Partner Quota Violation";
            case "12" -> "Message Too Long";
            case "14" -> "Invalid Signature";
            case "15" -> "Invalid Sender Address";
            case "29" -> "Non-Whitelisted Destination";
            case "33" -> "Number De-activated";
            default -> "Error " + status;
        };
    }

    private static String error(String to, String status, String errorText) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (to != null) {
            m.put("to", to);
        }
        m.put("status", status);
        m.put("error-text", errorText);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message-count", "1");
        body.put("messages", List.of(m));
        return JSON.writeValueAsString(body);
    }

    // ------------------------------------------------------------------------------------------ delivery receipts

    private static final DateTimeFormatter SCTS =
            DateTimeFormatter.ofPattern("yyMMddHHmm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MESSAGE_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** Posts a DLR for an accepted message when a callback or receipt URL is known. */
    private void scheduleReceipt(String to, String from, String messageId, String clientRef, String callback) {
        StubBehaviour.Settings settings = behaviour.settings();
        String url = callback != null && !callback.isBlank() ? callback : settings.receiptUrl();
        if (url == null || url.isBlank()) {
            return;
        }
        Map<String, String> dlr = receipt(settings, to, from, messageId, clientRef, Instant.now());
        long delay = settings.receiptDelayMillis() == null ? 0 : Math.max(0, settings.receiptDelayMillis());
        receiptExecutor.schedule(() -> postReceipt(url, dlr), delay, TimeUnit.MILLISECONDS);
    }

    /** The parameters of a Vonage SMS delivery receipt (signed when the settings hold a signature secret). */
    static Map<String, String> receipt(
            StubBehaviour.Settings settings, String to, String from, String messageId, String clientRef, Instant at) {
        String status = settings.receiptStatus() == null ? "delivered" : settings.receiptStatus();
        Map<String, String> dlr = new LinkedHashMap<>();
        dlr.put("msisdn", to);
        dlr.put("to", from);
        dlr.put("network-code", NETWORK);
        dlr.put("messageId", messageId);
        dlr.put("price", MESSAGE_PRICE);
        dlr.put("status", status);
        dlr.put("scts", SCTS.format(at));
        dlr.put(
                "err-code",
                settings.receiptErrCode() != null
                        ? settings.receiptErrCode()
                        : "delivered".equals(status) || "accepted".equals(status) || "buffered".equals(status)
                                ? "0"
                                : "1");
        dlr.put("message-timestamp", MESSAGE_TIMESTAMP.format(at));
        if (clientRef != null) {
            dlr.put("client-ref", clientRef);
        }
        String secret = settings.signatureSecret();
        if (secret != null && !secret.isBlank()) {
            dlr.put("timestamp", Long.toString(at.getEpochSecond()));
            dlr.put("nonce", UUID.randomUUID().toString());
            dlr.put("sig", sign(dlr, secret, settings.signatureMethod()));
        }
        return dlr;
    }

    /**
     * Vonage's webhook signature: parameters except {@code sig} sorted by name, empty ones left out, joined as
     * {@code &name=value} with {@code &} and {@code =} replaced by {@code _}; an HMAC keyed with the secret
     * (HMAC-SHA256 unless another method is named, as production requires) or MD5 of that plus the secret
     * ({@code md5hash}); lower-case hex.
     */
    static String sign(Map<String, String> params, String secret, String method) {
        StringBuilder base = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> {
            if (!"sig".equals(k) && v != null && !v.isBlank()) {
                base.append('&')
                        .append(k.replace('&', '_').replace('=', '_'))
                        .append('=')
                        .append(v.replace('&', '_').replace('=', '_'));
            }
        });
        String m = method == null ? "sha256" : method.toLowerCase(Locale.ROOT);
        String hmac = switch (m) {
            case "md5" -> "HmacMD5";
            case "sha1" -> "HmacSHA1";
            case "sha256" -> "HmacSHA256";
            case "sha512" -> "HmacSHA512";
            case "md5hash" -> null;
            default -> throw new IllegalArgumentException("unknown signature method " + method);
        };
        try {
            byte[] digest;
            if (hmac == null) {
                digest = MessageDigest.getInstance("MD5").digest((base + secret).getBytes(StandardCharsets.UTF_8));
            } else {
                Mac mac = Mac.getInstance(hmac);
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), hmac));
                digest = mac.doFinal(base.toString().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void postReceipt(String url, Map<String, String> dlr) {
        StringBuilder form = new StringBuilder();
        dlr.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.UTF_8))
                    .build();
            receiptClient
                    .sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (e == null && r.statusCode() / 100 == 2) {
                            receiptsPosted.incrementAndGet();
                        } else {
                            receiptsFailed.incrementAndGet();
                        }
                    });
        } catch (RuntimeException e) {
            receiptsFailed.incrementAndGet();
        }
    }

    /** Counters since start (or {@link #resetStats()}). */
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("accepted", accepted.get());
        m.put("throttled", throttled.get());
        m.put("failed", failed.get());
        m.put("receiptsPosted", receiptsPosted.get());
        m.put("receiptsFailed", receiptsFailed.get());
        return m;
    }

    public void resetStats() {
        accepted.set(0);
        throttled.set(0);
        failed.set(0);
        receiptsPosted.set(0);
        receiptsFailed.set(0);
        throttles.clear();
    }

    // ------------------------------------------------------------------------------------------ /_stub

    private void handleMessages(HttpExchange ex) throws IOException {
        try (ex) {
            switch (ex.getRequestMethod().toUpperCase(Locale.ROOT)) {
                case "GET" -> {
                    String to = query(ex).get("to");
                    respond(
                            ex,
                            200,
                            "application/json",
                            JSON.writeValueAsString(to == null ? messages() : messagesTo(to)));
                }
                case "DELETE" -> {
                    clear();
                    respond(ex, 204, null, null);
                }
                default -> respond(ex, 405, "application/json", "{\"error\":\"method not allowed\"}");
            }
        }
    }

    private void handleBehaviour(HttpExchange ex) throws IOException {
        try (ex) {
            switch (ex.getRequestMethod().toUpperCase(Locale.ROOT)) {
                case "GET" ->
                    respond(
                            ex,
                            200,
                            "application/json",
                            JSON.writeValueAsString(Map.of("pending", behaviour.pending())));
                case "POST", "PUT" -> {
                    StubBehaviour.Script script;
                    try {
                        script = JSON.readValue(ex.getRequestBody(), StubBehaviour.Script.class);
                    } catch (IOException e) {
                        respond(
                                ex,
                                400,
                                "application/json",
                                "{\"error\":\"body must be {\\\"responses\\\":[...],\\\"append\\\":false}\"}");
                        return;
                    }
                    behaviour.apply(script);
                    respond(
                            ex,
                            200,
                            "application/json",
                            JSON.writeValueAsString(Map.of("pending", behaviour.pending())));
                }
                case "DELETE" -> {
                    behaviour.reset();
                    respond(ex, 204, null, null);
                }
                default -> respond(ex, 405, "application/json", "{\"error\":\"method not allowed\"}");
            }
        }
    }

    private void handleConfig(HttpExchange ex) throws IOException {
        try (ex) {
            switch (ex.getRequestMethod().toUpperCase(Locale.ROOT)) {
                case "GET" -> respond(ex, 200, "application/json", JSON.writeValueAsString(behaviour.settings()));
                case "POST", "PUT" -> {
                    StubBehaviour.Settings update;
                    try {
                        update = JSON.readValue(ex.getRequestBody(), StubBehaviour.Settings.class);
                    } catch (IOException e) {
                        respond(ex, 400, "application/json", "{\"error\":\"body must be a settings object\"}");
                        return;
                    }
                    behaviour.configure(update);
                    respond(ex, 200, "application/json", JSON.writeValueAsString(behaviour.settings()));
                }
                case "DELETE" -> {
                    behaviour.resetSettings();
                    respond(ex, 204, null, null);
                }
                default -> respond(ex, 405, "application/json", "{\"error\":\"method not allowed\"}");
            }
        }
    }

    private void handleThrottles(HttpExchange ex) throws IOException {
        try (ex) {
            switch (ex.getRequestMethod().toUpperCase(Locale.ROOT)) {
                case "GET" -> respond(ex, 200, "application/json", JSON.writeValueAsString(throttles()));
                case "DELETE" -> {
                    throttles.clear();
                    respond(ex, 204, null, null);
                }
                default -> respond(ex, 405, "application/json", "{\"error\":\"method not allowed\"}");
            }
        }
    }

    private void handleStats(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestMethod().equalsIgnoreCase("DELETE")) {
                resetStats();
                respond(ex, 204, null, null);
                return;
            }
            respond(ex, 200, "application/json", JSON.writeValueAsString(stats()));
        }
    }

    // ------------------------------------------------------------------------------------------ HTTP helpers

    private static Map<String, String> params(HttpExchange ex) throws IOException {
        Map<String, String> p = query(ex);
        byte[] raw;
        try (InputStream in = ex.getRequestBody()) {
            raw = in.readAllBytes();
        }
        String body = new String(raw, StandardCharsets.UTF_8).trim();
        if (body.isEmpty()) {
            return p;
        }
        String contentType =
                String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
        if (contentType.contains("json") || body.startsWith("{")) {
            JsonNode node = JSON.readTree(body);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getValue().isNull()) {
                    p.put(
                            f.getKey(),
                            f.getValue().isValueNode()
                                    ? f.getValue().asText()
                                    : f.getValue().toString());
                }
            }
        } else {
            p.putAll(formDecode(body));
        }
        return p;
    }

    private static Map<String, String> query(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        return q == null ? new LinkedHashMap<>() : formDecode(q);
    }

    static Map<String, String> formDecode(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders()
                .set("Content-Type", contentType + (contentType.startsWith("text/") ? "; charset=utf-8" : ""));
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------ main

    /**
     * <pre>java -cp STACK_CLASSPATH dev.mfa.localstack.VonageStub [--port 8089] [--api-key K --api-secret S]
     *     [--throttle-per-second 30 [--throttle-burst 5]] [--receipt-url URL [--receipt-status delivered]
     *     [--receipt-delay-millis 0]] [--signature-secret S [--signature-method sha256]]</pre>
     * Environment instead of options: {@code VONAGE_STUB_PORT}, {@code VONAGE_STUB_API_KEY}, {@code VONAGE_STUB_API_SECRET},
     * {@code VONAGE_STUB_THROTTLE_PER_SECOND}, {@code VONAGE_STUB_THROTTLE_BURST}, {@code VONAGE_STUB_RECEIPT_URL},
     * {@code VONAGE_STUB_RECEIPT_STATUS}, {@code VONAGE_STUB_RECEIPT_DELAY_MILLIS}, {@code VONAGE_STUB_SIGNATURE_SECRET},
     * {@code VONAGE_STUB_SIGNATURE_METHOD}.
     */
    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        VonageStub stub = new VonageStub(args.getInt("port", "VONAGE_STUB_PORT", DEFAULT_PORT))
                .requireCredentials(
                        args.get("api-key", "VONAGE_STUB_API_KEY", null),
                        args.get("api-secret", "VONAGE_STUB_API_SECRET", null))
                .start();
        String throttle = args.get("throttle-per-second", "VONAGE_STUB_THROTTLE_PER_SECOND", null);
        StubBehaviour.Settings settings = StubBehaviour.Settings.none();
        if (throttle != null) {
            settings = settings.throttle(
                    Double.parseDouble(throttle), args.getInt("throttle-burst", "VONAGE_STUB_THROTTLE_BURST", 5));
        }
        String receiptUrl = args.get("receipt-url", "VONAGE_STUB_RECEIPT_URL", null);
        if (receiptUrl != null) {
            settings = settings.receipts(
                    receiptUrl,
                    args.get("receipt-status", "VONAGE_STUB_RECEIPT_STATUS", "delivered"),
                    null,
                    args.getInt("receipt-delay-millis", "VONAGE_STUB_RECEIPT_DELAY_MILLIS", 0));
        }
        String signatureSecret = args.get("signature-secret", "VONAGE_STUB_SIGNATURE_SECRET", null);
        if (signatureSecret != null) {
            settings = settings.signed(
                    signatureSecret, args.get("signature-method", "VONAGE_STUB_SIGNATURE_METHOD", "sha256"));
        }
        stub.behaviour().configure(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stub.stop();
                            stopped.countDown();
                        },
                        "vonage-stub-stop"));
        System.out.printf("VonageStub: listening on %s (POST /sms/json, GET /_stub/messages)%n", stub.baseUrl());
        System.out.printf("READY vonage-stub port=%d%n", stub.port());
        System.out.flush();
        stopped.await();
    }
}
