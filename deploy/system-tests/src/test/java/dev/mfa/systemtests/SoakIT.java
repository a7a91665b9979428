package dev.mfa.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.localstack.testing.QrScanner;
import dev.mfa.systemtests.support.Http;
import dev.mfa.systemtests.support.OrgAdmin;
import dev.mfa.systemtests.support.Platform;
import dev.mfa.systemtests.support.SystemTest;
import dev.mfa.systemtests.support.TestUser;
import dev.mfa.systemtests.support.TotpDevice;
import dev.mfa.systemtests.support.Users;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A bounded soak on loopback: many users signing in (TOTP) and enrolling (reauth, authenticator app, confirm; new
 * devices with the step-up assertion) for a few minutes, with status reads and abandoned sign-ins in between. Records
 * throughput, errors, latencies and every component's resident memory before and after, into
 * {@code target/system-tests/soak.md} (copied into {@code docs/benchmarks/system-tests.md} by hand).
 *
 * <p>Only with {@code -Dsoak=true}:
 * {@code mvn -B -f deploy/system-tests/pom.xml verify -Dsoak=true -Dit.test=SoakIT}
 * (settings {@code -Dsoak.seconds=150 -Dsoak.users=60 -Dsoak.threads=6 -Dsoak.max-requests=20000}).
 */
@SystemTest
@Order(20)
@EnabledIfSystemProperty(named = "soak", matches = "true")
@DisplayName("Soak")
class SoakIT {

    /** A pause before each action, so that the client threads do not just spin on one CPU. */
    private static final long THINK_MILLIS = 25;

    private final int seconds = Integer.getInteger("soak.seconds", 150);
    private final int userCount = Integer.getInteger("soak.users", 60);
    private final int threads = Integer.getInteger("soak.threads", 6);
    private final int maxRequests = Integer.getInteger("soak.max-requests", 20_000);

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final Map<String, AtomicInteger> operations = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
    private final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());

    /** One soak user: at most one thread acts for a user at a time, as one person would. */
    private static final class Actor {
        final TestUser user;
        final ReentrantLock lock = new ReentrantLock();
        State state = State.NEW;
        TotpDevice device;

        Actor(TestUser user) {
            this.user = user;
        }
    }

    /**
     * Where a user is. verification-service learns factors from events, so a fresh factor is used only once a
     * challenge shows it ({@code 201}), and after a reset a new one is enrolled only once the old one is gone ({@code
     * 200}): no code is ever tried against a projection that does not have it yet.
     */
    private enum State {
        NEW,
        ENROLLED,
        READY,
        RESET
    }

    @Test
    @DisplayName("mixed sign-ins and enrollments from many users: no error, memory flat")
    void soak() throws Exception {
        Platform platform = Platform.get();
        String org = Users.newOrg("soak");
        List<Actor> actors = Users.create(org, "soak", userCount, null).stream()
                .map(Actor::new)
                .toList();
        // Warm-up: half the users enroll first (JIT, pools, caches), then memory is measured; the others enroll
        // during the soak.
        OrgAdmin.of(org); // the admin's own factor, for the resets' step-up
        for (Actor a : actors.subList(0, actors.size() / 2)) {
            a.device = a.user.enrollTotp(null);
            a.state = State.ENROLLED;
        }
        System.gc();
        Thread.sleep(5000);
        Map<String, Long> rssBefore = rss(platform);

        Instant start = Instant.now();
        Instant end = start.plusSeconds(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (Instant.now().isBefore(end) && requests.get() < maxRequests) {
                    Actor a = actors.get(ThreadLocalRandom.current().nextInt(actors.size()));
                    if (!a.lock.tryLock()) {
                        continue;
                    }
                    try {
                        Thread.sleep(THINK_MILLIS);
                        step(a);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (RuntimeException | AssertionError e) {
                        errors.incrementAndGet();
                        if (errorSamples.size() < 20) {
                            errorSamples.add(e.getMessage());
                        }
                    } finally {
                        a.lock.unlock();
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.between(start, Instant.now());
        Thread.sleep(5000);
        Map<String, Long> rssAfter = rss(platform);

        String report = report(took, rssBefore, rssAfter);
        System.out.println(report);
        Path out = Path.of(System.getProperty("mfa.system-tests.output", "target/system-tests"), "soak.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);

        assertThat(errorSamples).as("errors during the soak").isEmpty();
        assertThat(errors.get()).isZero();
        for (String svc : Platform.SERVICES) {
            assertThat(platform.running(svc)).as(svc + " still running").isTrue();
        }
    }

    /** One user action, by the user's state; abandoned sign-ins and status reads fill the gaps between codes. */
    private void step(Actor a) {
        TestUser u = a.user;
        int dice = ThreadLocalRandom.current().nextInt(100);
        switch (a.state) {
            case NEW -> {
                Http.Reply r = timed("reauth", () -> u.reauthReply(u.password()), 200);
                Http.Reply s = timed(
                        "start-totp",
                        () -> u.startTotpReply(r.json().path("reauthToken").asText(), null),
                        201);
                JsonNode started = s.json();
                TotpDevice device = new TotpDevice(OtpAuthUri.parse(
                        QrScanner.decodeDataUri(started.path("qrCodeDataUri").asText())));
                Http.Reply c = timed(
                        "confirm",
                        () -> u.confirmReply(started.path("enrollmentId").asText(), device.currentCode()),
                        200);
                dev.mfa.systemtests.support.Secrets.recoveryCode(
                        c.json().path("recoveryCode").asText(null));
                a.device = device;
                a.state = State.ENROLLED;
                count("enrollment");
            }
            case ENROLLED -> {
                int status = timedAny("challenge", u::challengeReply, 200, 201).status();
                if (status == 201) {
                    a.state = State.READY;
                }
                count("read");
            }
            case RESET -> {
                if (timedAny("challenge", u::challengeReply, 200, 201).status() == 200) {
                    a.state = State.NEW;
                }
                count("read");
            }
            case READY -> {
                if (a.device.hasFreshCode() && dice < 80) {
                    Http.Reply c = timed("challenge", u::challengeReply, 201);
                    timed(
                            "verify",
                            () -> u.verifyReply(c.json().path("challengeId").asText(), "TOTP", a.device.nextCode()),
                            200);
                    count("sign-in");
                } else if (dice < 4 && OrgAdmin.of(u.orgId()).hasFreshCode()) {
                    // The help desk resets the user, who will enroll again; the admin steps up for each reset.
                    String stepUp = OrgAdmin.assertion(u.orgId());
                    timed(
                            "admin-reset",
                            () -> Http.post(Platform.ENROLLMENT_API + "/orgs/" + u.orgId() + "/users/" + u.userId()
                                            + "/mfa-reset")
                                    .bearer(TestUser.adminToken(u.orgId()))
                                    .header(TestUser.ASSERTION, stepUp)
                                    .send(),
                            204);
                    a.state = State.RESET;
                    count("reset");
                } else if (dice % 2 == 0) {
                    timed("status", u::mfaReply, 200);
                    count("read");
                } else {
                    timed("challenge", u::challengeReply, 201);
                    count("read");
                }
            }
        }
    }

    private Http.Reply timedAny(String what, java.util.function.Supplier<Http.Reply> call, int... expected) {
        long t0 = System.nanoTime();
        Http.Reply r = call.get();
        record(what, t0);
        for (int e : expected) {
            if (r.status() == e) {
                return r;
            }
        }
        throw new AssertionError(what + ": " + r);
    }

    private void record(String what, long t0) {
        requests.incrementAndGet();
        latencies
                .computeIfAbsent(what, k -> Collections.synchronizedList(new ArrayList<>()))
                .add((System.nanoTime() - t0) / 1000);
    }

    private Http.Reply timed(String what, java.util.function.Supplier<Http.Reply> call, int expected) {
        long t0 = System.nanoTime();
        Http.Reply r = call.get();
        record(what, t0);
        if (r.status() != expected) {
            throw new AssertionError(what + ": expected " + expected + ": " + r);
        }
        return r;
    }

    private void count(String op) {
        operations.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    }

    private static Map<String, Long> rss(Platform platform) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String c : List.of(
                Platform.ENROLLMENT,
                Platform.VERIFICATION,
                Platform.NOTIFICATION,
                Platform.SCHEDULER,
                Platform.KAFKA,
                Platform.POSTGRES,
                Platform.VONAGE_STUB)) {
            platform.rssKib(c).ifPresent(kib -> m.put(c, kib));
        }
        return m;
    }

    private String report(Duration took, Map<String, Long> before, Map<String, Long> after) {
        StringBuilder sb = new StringBuilder();
        double secs = took.toMillis() / 1000.0;
        sb.append("## Soak (").append(Instant.now()).append(")\n\n");
        sb.append("Machine: ")
                .append(host())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, ")
                .append(memTotal())
                .append(", load average before/after in the text; ")
                .append("everything on loopback (run.sh stack, ")
                .append(threads)
                .append(" client threads, ")
                .append(userCount)
                .append(" users).\n\n");
        sb.append(String.format(
                "Duration %.0f s, %d HTTP requests (%.1f/s), %d errors.%n%n",
                secs, requests.get(), requests.get() / secs, errors.get()));
        sb.append("| operation | count | per second |\n|---|---|---|\n");
        operations.forEach((k, v) -> sb.append(String.format("| %s | %d | %.2f |%n", k, v.get(), v.get() / secs)));
        sb.append("\n| call | n | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
        latencies.forEach((k, v) -> {
            List<Long> sorted;
            synchronized (v) {
                sorted = new ArrayList<>(v);
            }
            Collections.sort(sorted);
            sb.append(String.format(
                    "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n",
                    k,
                    sorted.size(),
                    pct(sorted, 50),
                    pct(sorted, 95),
                    pct(sorted, 99),
                    sorted.get(sorted.size() - 1) / 1000.0));
        });
        sb.append("\n| component | RSS before (MiB) | RSS after (MiB) | change |\n|---|---|---|---|\n");
        before.forEach((k, v) -> {
            Long a = after.get(k);
            sb.append(String.format(
                    "| %s | %.0f | %s | %s |%n",
                    k,
                    v / 1024.0,
                    a == null ? "-" : String.format("%.0f", a / 1024.0),
                    a == null ? "-" : String.format("%+.0f%%", (a - v) * 100.0 / v)));
        });
        if (!errorSamples.isEmpty()) {
            sb.append("\nErrors (first ").append(errorSamples.size()).append("):\n");
            errorSamples.forEach(e -> sb.append("- ").append(e).append('\n'));
        }
        sb.append("\nLoad average at the end: ")
                .append(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                .append('\n');
        return sb.toString();
    }

    private static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1))) / 1000.0;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return String.format(
                            "%.0f GiB RAM", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "unknown RAM";
    }
}
