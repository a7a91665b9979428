package dev.mfa.systemtests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The whole platform as {@code deploy/local/run.sh} starts it: embedded PostgreSQL, Kafka, the Vonage stub and the
 * four service jars as separate processes, seeded from {@code deploy/local/seed.json}. Started once per test JVM
 * ({@code run.sh --reset}, then {@code run.sh --detach}) with {@link #ENV} so that the scenarios fit in CI time, and
 * stopped at the end ({@code run.sh --stop}; a shutdown hook as a safety net).
 *
 * <p>Faults act on single components through the pids run.sh records in {@code deploy/local/.run/pids/}; a stopped
 * component is started again by {@code run.sh --detach}, which starts only what is not running.
 */
public final class Platform implements AutoCloseable {

    public static final String ENROLLMENT = "enrollment-service";
    public static final String VERIFICATION = "verification-service";
    public static final String NOTIFICATION = "notification-service";
    public static final String SCHEDULER = "deadline-scheduler";
    public static final List<String> SERVICES = List.of(ENROLLMENT, VERIFICATION, NOTIFICATION, SCHEDULER);
    public static final String KAFKA = "kafka";
    public static final String POSTGRES = "postgres";
    public static final String VONAGE_STUB = "vonage-stub";
    public static final String MAIL_SERVER = "mail-server";

    public static final String ENROLLMENT_API = "http://localhost:8081/api/v1";
    public static final String VERIFICATION_API = "http://localhost:8082/api/v1";
    public static final String STUB_URL = "http://localhost:8089";
    public static final String MAIL_URL = "http://127.0.0.1:8025";
    public static final String KAFKA_BOOTSTRAP = "localhost:9092";
    public static final Map<String, Integer> SERVICE_PORTS =
            Map.of(ENROLLMENT, 8081, VERIFICATION, 8082, NOTIFICATION, 8083, SCHEDULER, 8084);

    /** Throttle settings the lock-out scenario relies on (verification-service, {@code mfa.verification.throttle}). */
    public static final int FREE_FAILURES = 3;

    public static final int LOCK_AFTER = 5;

    /**
     * Environment of every run.sh call; the services inherit it. Names are the env form of the services'
     * {@code @ConfigMapping} properties. Only timings and thresholds change, never behaviour.
     */
    private static final Path PG_WORKING_DIR = tempDirectory("mfa-system-tests-pg");

    public static final Map<String, String> ENV = env();

    private static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        // Four Quarkus services on a busy 2-core machine can take a while to be ready.
        env.put("MFA_LOCAL_READY_TIMEOUT", "300");
        // deadline-scheduler looks for due deadlines every second instead of every 10 s.
        env.put("MFA_SCHEDULER_INTERVAL", "1s");
        // verification-service: 3 free failures, then 1 s, 2 s; locked at the 5th consecutive failure.
        env.put("MFA_VERIFICATION_THROTTLE_FREE_FAILURES", Integer.toString(FREE_FAILURES));
        env.put("MFA_VERIFICATION_THROTTLE_BASE_DELAY", "PT1S");
        env.put("MFA_VERIFICATION_THROTTLE_MAX_DELAY", "PT4S");
        env.put("MFA_VERIFICATION_THROTTLE_LOCK_AFTER", Integer.toString(LOCK_AFTER));
        env.put("MFA_VERIFICATION_SMS_COOLDOWN", "PT2S");
        // notification-service: quick retries once the provider is back; a killed send is swept after 15 s.
        env.put("MFA_NOTIFICATION_DISPATCH_BACKOFF_BASE", "PT0.5S");
        env.put("MFA_NOTIFICATION_DISPATCH_BACKOFF_MAX", "PT3S");
        env.put("MFA_NOTIFICATION_DISPATCH_LEASE", "PT15S");
        env.put("MFA_NOTIFICATION_DISPATCH_SWEEP_INTERVAL", "PT1S");
        env.put("MFA_VONAGE_TIMEOUT", "PT5S");
        // notification-service: e-mail retries at most 5 s apart, so mail goes out soon after an SMTP outage.
        env.put("MFA_NOTIFICATION_EMAIL_BACKOFF_MAX", "PT5S");
        // enrollment-service ends exemptions (and asks for their "ending" e-mail) every second instead of every 30 s.
        env.put("MFA_ORG_ADMIN_SWEEP_EVERY", "1s");
        // A killed service's consumers stay in their groups until their session times out (45 s by default), and
        // its restarted consumers get no partition before: 6 s (the broker's minimum). run.sh's default service JVM
        // options, plus these two.
        env.put(
                "MFA_LOCAL_SERVICE_JVM_OPTS",
                "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:MaxMetaspaceSize=192m "
                        + "-XX:ReservedCodeCacheSize=96m -Xss512k -XX:TrimNativeHeapInterval=10000 "
                        + "-Dmp.messaging.connector.smallrye-kafka.session.timeout.ms=6000 "
                        + "-Dmp.messaging.connector.smallrye-kafka.heartbeat.interval.ms=1000");
        // PostgreSQL's binaries are unpacked anew into a directory of this run (as on a machine where nothing was
        // unpacked before), not reused from ~/.embedpostgresql or java.io.tmpdir; it is deleted when the platform
        // stops.
        env.put("MFA_LOCAL_PG_WORKING_DIR", PG_WORKING_DIR.toString());
        // The services run from copies of their quarkus-app: a rebuild during the tests cannot change their jars.
        env.put("MFA_LOCAL_SNAPSHOT_APPS", "true");
        // The stack's JVMs (PostgreSQL, Kafka, stub, seed loader) use this module's test classpath, which holds
        // mfa-local-stack and its dependencies: no nested Maven call (mfa-core need not be installed in ~/.m2).
        String cp = System.getProperty("surefire.test.class.path");
        if (cp != null && !cp.isBlank()) {
            env.put("MFA_LOCAL_STACK_CLASSPATH", cp);
        }
        return Map.copyOf(env);
    }

    private static final Duration RUN_SH_TIMEOUT = Duration.ofMinutes(8);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration BUILD_WAIT = Duration.ofMinutes(3);

    private static Platform instance;
    private static RuntimeException startFailure;

    private final Path root;
    private final Path runSh;
    private final Path runDir;
    private final Path log;
    private volatile boolean stopped;

    private Platform(Path root) {
        this.root = root;
        this.runSh = root.resolve("deploy/local/run.sh");
        this.runDir = root.resolve("deploy/local/.run");
        Path out = Path.of(System.getProperty(
                "mfa.system-tests.output",
                root.resolve("deploy/system-tests/target/system-tests").toString()));
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.log = out.resolve("run-sh.log");
    }

    /** The running platform, started on first use (once per JVM; a failed start is not retried). */
    public static synchronized Platform get() {
        if (instance != null) {
            return instance;
        }
        if (startFailure != null) {
            throw new IllegalStateException(
                    "the platform did not start earlier in this JVM: " + startFailure.getMessage(), startFailure);
        }
        Platform p = new Platform(repoRoot());
        Runtime.getRuntime().addShutdownHook(new Thread(p::stopQuietly, "system-tests-stop-platform"));
        try {
            p.start();
        } catch (RuntimeException e) {
            startFailure = e;
            p.stopQuietly();
            throw e;
        }
        instance = p;
        return p;
    }

    public Path root() {
        return root;
    }

    public Path runDir() {
        return runDir;
    }

    public Path passwordFile() {
        return runDir.resolve("password-hashes.json");
    }

    private void start() {
        if (!Files.isRegularFile(runSh)) {
            throw new IllegalStateException("deploy/local/run.sh not found under " + root);
        }
        awaitBuilt();
        Map<String, String> shown = new LinkedHashMap<>(ENV);
        shown.computeIfPresent("MFA_LOCAL_STACK_CLASSPATH", (k, v) -> "(this module's test classpath)");
        log("system tests: starting the platform (run.sh --reset, run.sh --detach) with " + shown);
        runSh(Duration.ofMinutes(3), "--reset");
        Instant t0 = Instant.now();
        runSh(RUN_SH_TIMEOUT, "--detach");
        log("system tests: platform ready after "
                + Duration.between(t0, Instant.now()).toSeconds() + " s");
        Users.afterStackStart(this);
    }

    /**
     * The service jars and the stack's classes must be built already (the reactor packages them before this module):
     * run.sh would otherwise start a full nested {@code mvn install}. On a machine where other builds rewrite them
     * right now, they are given a while to come back.
     */
    private void awaitBuilt() {
        List<Path> needed = new ArrayList<>();
        needed.add(root.resolve("deploy/local/stack/target/classes/dev/mfa/localstack/LocalPostgres.class"));
        for (String svc : SERVICES) {
            needed.add(root.resolve(svc).resolve("target/quarkus-app/quarkus-run.jar"));
        }
        long deadline = System.nanoTime() + BUILD_WAIT.toNanos();
        List<Path> missing =
                needed.stream().filter(p -> !Files.isRegularFile(p)).toList();
        while (!missing.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not built: "
                        + missing.stream()
                                .map(p -> root.relativize(p).toString())
                                .toList() + " — run the whole reactor (mvn verify from the repository root) or "
                        + "mvn -DskipTests package for the services and deploy/local/stack first");
            }
            log("system tests: waiting for "
                    + missing.stream().map(p -> root.relativize(p).toString()).toList());
            sleep(Duration.ofSeconds(5));
            missing = needed.stream().filter(p -> !Files.isRegularFile(p)).toList();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts whatever is not running (a component stopped by a fault test); the running ones are left alone. */
    public void startMissing() {
        runSh(RUN_SH_TIMEOUT, "--detach");
        // run.sh rewrites the seed users' password hashes on every start: put the test users' back.
        Users.afterStackStart(this);
    }

    @Override
    public void close() {
        stopQuietly();
    }

    private synchronized void stopQuietly() {
        if (stopped) {
            return;
        }
        stopped = true;
        logRss();
        try {
            runSh(STOP_TIMEOUT, "--stop");
            deleteTree(PG_WORKING_DIR);
        } catch (RuntimeException e) {
            System.err.println("system tests: run.sh --stop failed: " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("system tests: could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** What a script printed (stdout and stderr, interleaved) and how it exited. */
    public record ScriptRun(int exitCode, String output) {}

    /**
     * Runs a script of the repository (e.g. {@code deploy/local/walkthrough.sh}) as a user would, with the platform's
     * environment plus {@code env}; its output goes to the console and to {@code <script name>.log} beside run.sh's.
     */
    public ScriptRun runScript(String script, Map<String, String> env, Duration timeout) {
        Path file = root.resolve(script);
        Path out = log.resolveSibling(file.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(ENV);
        pb.environment().putAll(env);
        log("$ " + script);
        try {
            Process p = pb.start();
            boolean finished = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            System.out.print(output);
            return finished
                    ? new ScriptRun(p.exitValue(), output)
                    : new ScriptRun(
                            -1, output + "\n(" + script + " did not finish within " + timeout.toSeconds() + " s)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    private void runSh(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(runSh.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(ENV);
        log("$ run.sh " + String.join(" ", args));
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                // run.sh's own children (a build, a helper JVM) must not outlive it.
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException("run.sh " + String.join(" ", args) + " did not finish within "
                        + timeout.toSeconds() + " s; see " + log + " and deploy/local/.run/logs/");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("run.sh " + String.join(" ", args) + " failed (exit " + p.exitValue()
                        + "): " + tail(log, 15) + "\n(see " + log + " and deploy/local/.run/logs/)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running run.sh", e);
        }
    }

    // ------------------------------------------------------------------------------------------ components

    /** The pid of a component started by run.sh, if it runs (checked against run.sh's command-line marker). */
    public OptionalLong pid(String component) {
        Path pidFile = runDir.resolve("pids").resolve(component + ".pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return OptionalLong.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            if (!Files.isReadable(cmdline)) {
                return OptionalLong.empty();
            }
            String args = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
            for (String arg : args.split("\0")) {
                if (arg.equals("-Dmfa.local.component=" + component)) {
                    return OptionalLong.of(pid);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public boolean running(String component) {
        return pid(component).isPresent();
    }

    /** SIGKILL: the component dies at once, mid-flow. */
    public void kill(String component) {
        signal(component, true);
    }

    /** SIGTERM, and waits until the component has exited (SIGKILL after {@link #STOP_TIMEOUT}). */
    public void stop(String component) {
        signal(component, false);
    }

    private void signal(String component, boolean force) {
        long pid = pid(component).orElseThrow(() -> new IllegalStateException(component + " is not running"));
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
        log("system tests: " + (force ? "killing" : "stopping") + " " + component + " (pid " + pid + ")");
        if (force) {
            handle.destroyForcibly();
        } else {
            handle.destroy();
        }
        try {
            handle.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                throw new IllegalStateException(component + " (pid " + pid + ") did not exit");
            }
        }
    }

    /** Resident set size of a component in KiB ({@code VmRSS} of {@code /proc/<pid>/status}). */
    public Optional<Long> rssKib(String component) {
        OptionalLong pid = pid(component);
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid.getAsLong()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Each component's RSS once the tests are done (the memory figures of docs/benchmarks/system-tests.md). */
    private void logRss() {
        StringBuilder line = new StringBuilder("system tests: RSS at the end (MiB):");
        for (String c : List.of(ENROLLMENT, VERIFICATION, NOTIFICATION, SCHEDULER, KAFKA, POSTGRES, VONAGE_STUB)) {
            rssKib(c).ifPresent(kib -> line.append(' ').append(c).append('=').append(kib / 1024));
        }
        log(line.toString());
    }

    public Path serviceLog(String component) {
        return runDir.resolve("logs").resolve(component + ".log");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Path repoRoot() {
        String configured = System.getProperty("mfa.repo.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("deploy/local/run.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "cannot find the repository root (deploy/local/run.sh); set -Dmfa.repo.root");
        }
        return p;
    }

    private void log(String line) {
        String stamped = Instant.now() + " " + line;
        System.out.println(stamped);
        try {
            Files.writeString(
                    log,
                    stamped + "\n",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the console has it
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
