// Splits the CPU samples (jdk.ExecutionSample) of a JFR recording of verification-service into the cost centres
// of issue 16: java deploy/bench/JfrSplit.java deploy/bench/.out/verification.jfr
// A sample goes to the assertion, the token check, the outbox relay or Kafka when any frame of its stack is theirs (the token
// check includes its own JSON parsing and RSA verify, the relay its own database and Kafka calls); else to the
// category of the frame nearest the leaf that matches one (JDK frames match none, except the crypto packages).
// -Dfrom=<instant> -Dto=<instant> (ISO-8601, UTC) keep the samples of one phase; in the in-JVM benchmark the load
// driver (java.net.http) has its own category.
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

public class JfrSplit {
    // category -> class-name fragments (a frame matches when its class name contains one)
    static final Map<String, List<String>> RULES = new LinkedHashMap<>();

    static {
        // the assertion before the token check: both use jose4j
        RULES.put("assertion (AssertionSigner: claims, jose4j ES256 sign)", List.of(
                "io.smallrye.jwt.build", "AssertionSigner"));
        RULES.put("token check (parse + RS256 verify)", List.of(
                "io.smallrye.jwt.auth", "org.jose4j", "io.quarkus.smallrye.jwt", "MpJwtValidator", "JWTAuthMechanism"));
        RULES.put("outbox relay", List.of("Outbox", "outbox"));
        RULES.put("load driver (java.net.http, in-JVM benchmark only)", List.of(
                "jdk.internal.net.http", "bench.LoadLoop"));
        RULES.put("Kafka (client, consumers)", List.of(
                "org.apache.kafka", "io.smallrye.reactive.messaging", "io.smallrye.reactive.kafka"));
        RULES.put("crypto (AES-GCM, HMAC/TOTP)", List.of(
                "javax.crypto", "com.amazon.corretto", "sun.security", "java.security", "dev.mfa.core.crypto",
                "Totp"));
        RULES.put("JSON (Jackson, events, answers)", List.of(
                "com.fasterxml.jackson", "io.vertx.core.json", "io.quarkus.resteasy.reactive.jackson",
                "org.jboss.resteasy.reactive.server.jackson"));
        RULES.put("database: Hibernate Reactive (ORM, session)", List.of("org.hibernate"));
        RULES.put("database: reactive pg client (protocol)", List.of("io.vertx.pgclient", "io.vertx.sqlclient"));
        RULES.put("security (identity, permission checks)", List.of(
                "io.quarkus.security", "io.quarkus.vertx.http.runtime.security", "SecurityHandler",
                "io.quarkus.resteasy.reactive.server.runtime.security"));
        RULES.put("HTTP (Netty, Vert.x, RESTEasy Reactive)", List.of(
                "io.netty", "io.vertx.core.http", "io.vertx.ext.web", "org.jboss.resteasy.reactive",
                "io.quarkus.vertx.http", "io.quarkus.resteasy.reactive"));
        RULES.put("CDI, context propagation, Mutiny", List.of(
                "io.quarkus.arc", "io.smallrye.context", "io.smallrye.mutiny"));
        RULES.put("micrometer / metrics", List.of("io.micrometer"));
    }

    static final List<String> WRAPPING = List.of(
            "assertion (AssertionSigner: claims, jose4j ES256 sign)",
            "token check (parse + RS256 verify)",
            "outbox relay",
            "load driver (java.net.http, in-JVM benchmark only)",
            "Kafka (client, consumers)");

    static final boolean VERBOSE = Boolean.getBoolean("verbose");
    static final java.time.Instant FROM = java.time.Instant.parse(System.getProperty("from", "1970-01-01T00:00:00Z"));
    static final java.time.Instant TO = java.time.Instant.parse(System.getProperty("to", "2999-01-01T00:00:00Z"));

    static boolean matches(List<String> fragments, RecordedFrame f) {
        String cls = f.getMethod().getType().getName();
        return fragments.stream().anyMatch(cls::contains);
    }

    public static void main(String[] a) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        RULES.keySet().forEach(k -> counts.put(k, 0L));
        counts.put("other (service code, Mutiny, JDK)", 0L);
        Map<String, Long> otherTop = new TreeMap<>();
        Map<String, Map<String, Long>> byCat = new TreeMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")
                    || e.getStackTrace() == null
                    || e.getStartTime().isBefore(FROM)
                    || !e.getStartTime().isBefore(TO)) {
                continue;
            }
            total++;
            String cat = null;
            // The wrapping categories claim the whole call (any frame); the others go by the frame nearest the leaf:
            // the service's continuations run inside the pg client's and Netty's callbacks, so "any frame" would
            // book most of them to the database.
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            for (var rule : RULES.entrySet()) {
                if (WRAPPING.contains(rule.getKey()) && frames.stream().anyMatch(f -> matches(rule.getValue(), f))) {
                    cat = rule.getKey();
                    break;
                }
            }
            for (int i = 0; cat == null && i < frames.size(); i++) {
                for (var rule : RULES.entrySet()) {
                    if (!WRAPPING.contains(rule.getKey()) && matches(rule.getValue(), frames.get(i))) {
                        cat = rule.getKey();
                        break;
                    }
                }
            }
            if (cat == null) {
                cat = "other (service code, Mutiny, JDK)";
                var top = e.getStackTrace().getFrames().get(0).getMethod();
                otherTop.merge(top.getType().getName() + "." + top.getName(), 1L, Long::sum);
            }
            counts.merge(cat, 1L, Long::sum);
            if (VERBOSE) {
                var top = frames.get(0).getMethod();
                byCat.computeIfAbsent(cat, k -> new TreeMap<>())
                        .merge(top.getType().getName() + "." + top.getName(), 1L, Long::sum);
            }
        }
        System.out.printf(Locale.ROOT, "| category | samples | share |%n|---|---|---|%n");
        for (var c : counts.entrySet()) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f %% |%n", c.getKey(), c.getValue(),
                    total == 0 ? 0 : 100.0 * c.getValue() / total);
        }
        System.out.printf(Locale.ROOT, "| total | %d | 100 %% |%n", total);
        byCat.forEach((cat, tops) -> tops.entrySet().stream()
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .limit(8)
                .forEach(x -> System.out.println("  " + cat + ": " + x.getValue() + " " + x.getKey())));
        if (a.length > 1) {
            otherTop.entrySet().stream()
                    .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .limit(Integer.parseInt(a[1]))
                    .forEach(x -> System.out.println("  other: " + x.getValue() + " " + x.getKey()));
        }
    }
}
