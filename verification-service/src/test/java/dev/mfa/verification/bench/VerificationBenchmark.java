package dev.mfa.verification.bench;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.Totp;
import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.localstack.testing.TestTokens;
import dev.mfa.verification.TestStack;
import dev.mfa.verification.domain.Factor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARK, not a test (its name matches neither *Test nor *IT, so {@code mvn verify} skips it). Run:
 * <pre>
 * cd /work/main && mvn -B -o -pl verification-service verify -Dit.test=VerificationBenchmark -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.seconds=15 -Dbench.concurrency=32 -Dbench.users=12000]
 * </pre>
 * TOTP verifications through HTTP against the real database, each by a distinct user (replay protection writes on
 * every success), versus the ceiling of the same stack: one HTTP call doing one single-row UPDATE. Loopback only;
 * the load driver (java.net.http, bounded concurrency, bounded duration) shares the JVM and the 2 cores with the
 * service and PostgreSQL. Results go to the log and to target/benchmark-verification.md. Give it a fixed heap
 * ({@code "-Dit.argLine=-Xms6g -Xmx6g -XX:+AlwaysPreTouch ..."}, as docs/benchmarks/verification-service.md does):
 * it holds a few GB of users, tokens and challenges; a heap that shrinks at the full collection before each phase
 * must be paged in again during the phase (10 s at half speed in one run), and one not touched in advance is paged
 * in during the first phases (the ceiling ran at 9,305/s instead of 11,000-13,000).
 *
 * <p>The challenges of the main phases are opened through the service beforehand, so that it keeps them for their
 * verify as it does in a sign-in ({@code OpenedChallenges}); {@link Profile} makes room for all of them, where the
 * default (4096) holds those of the last {@code 4096 / rate} seconds. A phase on challenges inserted in the database
 * measures the verify of a challenge another replica opened.
 */
@QuarkusTest
@TestProfile(VerificationBenchmark.Profile.class)
class VerificationBenchmark {

    /**
     * Room for every challenge the benchmark opens before its phases (about 1 KiB of heap each), open long enough; and
     * for the tokens that opened them. In a sign-in the verify follows its challenge call within a second, so its
     * token is still in the token cache (1,024 entries for 30 s by default); here the challenges are opened minutes
     * before their phase, and only a cache this size and this long keeps the verify's token as a sign-in finds it.
     * The verifies of challenges opened "elsewhere" bring a token per challenge that this replica has never seen.
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mfa.verification.opened-challenge-cache.max-entries", "1000000",
                    "mfa.verification.challenge-ttl", "PT1H",
                    "mfa.security.token-cache.max-entries", "1000000",
                    "mfa.security.token-cache.max-age", "PT1H");
        }
    }

    private static final int SECONDS = Integer.getInteger("bench.seconds", 15);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 5);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);
    /** Users made at the start; more are added before each verification phase as its rate requires. */
    private static final int USERS = Integer.getInteger("bench.users", 12000);
    /** Only the ceiling, the verify here (max and half) and its floor: for profiling, in half the time. */
    private static final boolean SHORT = Boolean.getBoolean("bench.short");
    /** Samples what PostgreSQL's backends wait on in each phase ({@link PgWaits}): a diagnosis, it costs some CPU. */
    private static final boolean PG_WAITS = Boolean.getBoolean("bench.pgwaits");

    private final java.util.concurrent.atomic.AtomicInteger usersMade = new java.util.concurrent.atomic.AtomicInteger();
    /** Challenges per user: codes of the current and the next step can both be used once. */
    private static final int SLOTS_PER_USER = 2;

    private static final int BENCH_ROWS = 10_000;

    @Inject
    FieldKeys keys;

    @Inject
    Clock clock;

    /** Answers the verifies whose token this replica has seen (all but the "elsewhere" ones): counted per phase. */
    @Inject
    dev.mfa.verification.rest.DirectVerifyRoute directRoute;

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(2))
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** An open challenge and the token its verify brings. */
    record Slot(String challenge, String token) {}

    /**
     * A benchmark user with its secret, its token (null when its challenges were opened elsewhere: each brings its
     * own), open challenges and the last step it used.
     */
    static final class User {
        final String id;
        final UUID factorId;
        final byte[] secret;
        final String token;
        final ConcurrentLinkedQueue<Slot> challenges = new ConcurrentLinkedQueue<>();
        final List<String> allChallenges = new ArrayList<>();
        long lastStep = Long.MIN_VALUE;

        User(String id, UUID factorId, byte[] secret, String token) {
            this.id = id;
            this.factorId = factorId;
            this.secret = secret;
            this.token = token;
        }
    }

    record Result(
            String name,
            LoadLoop.Measured measured,
            double jvmCpuSeconds,
            double pgCpuSeconds,
            double machineBusySeconds) {
        double rate() {
            return measured.ok() / measured.seconds();
        }

        double pct(double p) {
            return measured.percentileMillis(p);
        }

        String row() {
            int ok = measured.ok();
            double perK = ok == 0 ? Double.NaN : 1000.0 / ok;
            return String.format(
                    "| %s | %.0f | %.1f | %.1f | %d | %.2f | %.2f | %.2f |",
                    name,
                    rate(),
                    pct(50),
                    pct(99),
                    measured.errors(),
                    jvmCpuSeconds * perK,
                    pgCpuSeconds * perK,
                    machineBusySeconds * perK);
        }
    }

    @Test
    void run() throws Exception {
        prepareCeilingTable();
        // Challenges this replica opened (kept with their factors: one statement per verify), and challenges another
        // replica opened (read first). Each kind has its own users, made as the phases' rates require.
        ConcurrentLinkedQueue<User> here = new ConcurrentLinkedQueue<>(prepareUsers(USERS, true));
        ConcurrentLinkedQueue<User> elsewhere = new ConcurrentLinkedQueue<>();
        List<User> allUsers = new ArrayList<>(here); // the verification phases take users out of the queues

        Supplier<HttpRequest> ceiling = () -> HttpRequest.newBuilder(base.resolve(
                        "bench/ceiling/" + ThreadLocalRandom.current().nextInt(BENCH_ROWS)))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        Supplier<HttpRequest> ceilingHr = () -> HttpRequest.newBuilder(base.resolve(
                        "bench/ceiling-hr/" + ThreadLocalRandom.current().nextInt(BENCH_ROWS)))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        Totp totp = new Totp(clock);

        List<Result> results = new ArrayList<>();
        closedLoop("warm-up ceiling", ceiling, WARMUP_SECONDS);
        results.add(closedLoop("ceiling: 1 UPDATE (reactive pg client)", ceiling, SECONDS));
        if (!SHORT) {
            closedLoop("warm-up ceiling-hr", ceilingHr, WARMUP_SECONDS);
            results.add(closedLoop("ceiling: 1 UPDATE in a Hibernate Reactive tx", ceilingHr, SECONDS));
        }
        // Users sized to the rate: a user signs in at most once per TOTP step and holds SLOTS_PER_USER challenges,
        // so the closed loop needs rate × duration / slots of them. Its rate is not known before the warm-up: a
        // third of the ceiling sizes that, and later warm-ups by the first phase's rate (a warm JVM goes faster).
        double bound = results.get(0).rate() / 3;
        Supplier<HttpRequest> verifyHere = () -> nextVerification(here, totp, "api/v1/challenges/");
        Result max = maxRate(
                "TOTP verify, max rate (challenge opened here: one statement)",
                here,
                allUsers,
                true,
                verifyHere,
                bound);
        results.add(max);
        bound = Math.max(bound, max.rate() * 1.3);
        double half = max.rate() / 2;
        topUp(here, allUsers, half, SECONDS, true);
        results.add(paced(String.format("TOTP verify at half max (%.0f/s)", half), verifyHere, half, SECONDS));
        // The same verify answered by a bare Vert.x route (BareVerifyRoute): what RESTEasy Reactive and Quarkus
        // security cost per verify.
        Supplier<HttpRequest> verifyBare = () -> nextVerification(here, totp, "bench/route/challenges/");
        Result bareRoute = maxRate(
                "TOTP verify, max rate, bare Vert.x route (bench only: no RESTEasy Reactive, no Quarkus security)",
                here,
                allUsers,
                true,
                verifyBare,
                bound);
        results.add(bareRoute);
        Supplier<HttpRequest> verifyElsewhere = () -> nextVerification(elsewhere, totp, "api/v1/challenges/");
        Result maxElsewhere = SHORT
                ? null
                : maxRate(
                        "TOTP verify, max rate (challenge opened on another replica: look + statement)",
                        elsewhere,
                        allUsers,
                        false,
                        verifyElsewhere,
                        bound);
        addIfRun(results, maxElsewhere);
        // The verify and the bare route again, in steady state: after minutes of every path, as the floors below
        // are measured, and with nothing between warm-up and phase. The first phases run while the JIT is still
        // compiling and deoptimizing the verify's code (the compilation log: 174 compilations and 102 made not
        // entrant during the first, 45 and 29 during the bare route's after it); their rates spread by a third
        // between runs of the same code.
        double steadyBound = Math.max(max.rate(), bareRoute.rate()) * 1.3;
        long directBefore = directRoute.taken();
        Result steady = steadyRate(
                "TOTP verify, max rate, steady state (challenge opened here: one statement)",
                here,
                allUsers,
                verifyHere,
                steadyBound);
        results.add(steady);
        long directTaken = directRoute.taken() - directBefore;
        Result bareSteady = steadyRate(
                "TOTP verify, max rate, bare Vert.x route, steady state", here, allUsers, verifyBare, steadyBound);
        results.add(bareSteady);
        // Last: they move the factors' steps far ahead, so no real code would pass after them. Each floor call takes
        // one open challenge: the challenges are reopened before each phase and handed out in turn, not at random.
        List<String[]> floorTargets = allUsers.stream()
                .flatMap(u -> u.allChallenges.stream().map(c -> new String[] {u.id, c, u.factorId.toString()}))
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        java.util.Collections.shuffle(floorTargets);
        Result floorOne = floor("floor: the verify's database work (one statement)", "verify-sql-one", floorTargets);
        results.add(floorOne);
        Result floorNow = SHORT
                ? null
                : floor(
                        "floor: the verify's database work, challenge opened elsewhere (look + statement)",
                        "verify-sql-now",
                        floorTargets);
        addIfRun(results, floorNow);
        Result lockedFloorMax = SHORT
                ? null
                : floor("floor of the locked path (BEGIN, locking read; write, COMMIT)", "verify-sql", floorTargets);
        addIfRun(results, lockedFloorMax);

        StringBuilder md = new StringBuilder();
        md.append("Date: ")
                .append(Instant.now())
                .append(", concurrency ")
                .append(CONCURRENCY)
                .append(", ")
                .append(SECONDS)
                .append(" s per phase, ")
                .append(usersMade.get())
                .append(" users, ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, heap ")
                .append(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getInit() >> 20)
                .append(" MiB initial, ")
                .append(Runtime.getRuntime().maxMemory() >> 20)
                .append(" MiB max\n\n");
        md.append(
                "| phase | ok/s | p50 ms | p99 ms | errors | JVM CPU s /1000 | PostgreSQL CPU s /1000 | machine busy s /1000 |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        results.forEach(r -> md.append(r.row()).append('\n'));
        double ceilingRate = results.get(0).rate();
        md.append(String.format(
                "%nTOTP max rate / ceiling (pg client): %.2f opened here (steady state %.2f), %.2f bare route (steady"
                        + " state %.2f), %.2f opened elsewhere; / ceiling (Hibernate Reactive): %.2f%n",
                max.rate() / ceilingRate,
                steady.rate() / ceilingRate,
                bareRoute.rate() / ceilingRate,
                bareSteady.rate() / ceilingRate,
                rate(maxElsewhere) / ceilingRate,
                SHORT ? Double.NaN : max.rate() / results.get(1).rate()));
        md.append(String.format(
                "Database floor / ceiling (pg client): %.2f one statement, %.2f look + statement, %.2f locked path; "
                        + "TOTP max rate / its floor: %.2f opened here (steady state %.2f), %.2f bare route (steady"
                        + " state %.2f), %.2f opened elsewhere%n",
                floorOne.rate() / ceilingRate,
                rate(floorNow) / ceilingRate,
                rate(lockedFloorMax) / ceilingRate,
                max.rate() / floorOne.rate(),
                steady.rate() / floorOne.rate(),
                bareRoute.rate() / floorOne.rate(),
                bareSteady.rate() / floorOne.rate(),
                rate(maxElsewhere) / rate(floorNow)));
        md.append(String.format(
                "Verifies answered by DirectVerifyRoute in the steady-state verify (warm-up included): %d%n",
                directTaken));
        System.out.println(md);
        Files.writeString(Path.of("target", "benchmark-verification.md"), md.toString(), StandardCharsets.UTF_8);
    }

    private static void addIfRun(List<Result> results, Result r) {
        if (r != null) {
            results.add(r);
        }
    }

    /** A phase's rate, NaN when {@link #SHORT} skipped it. */
    private static double rate(Result r) {
        return r == null ? Double.NaN : r.rate();
    }

    // ------------------------------------------------------------------ load

    /**
     * A verification phase at max rate after its warm-up, each with users made for it: the warm-up's for
     * {@code bound}, the phase's for half as much again as the warm-up reached (a warm JVM goes faster).
     */
    private Result maxRate(
            String name,
            ConcurrentLinkedQueue<User> users,
            List<User> allUsers,
            boolean openHere,
            Supplier<HttpRequest> verifications,
            double bound)
            throws Exception {
        topUp(users, allUsers, bound, WARMUP_SECONDS, openHere);
        Result warm = closedLoop("warm-up " + name, verifications, WARMUP_SECONDS);
        topUp(users, allUsers, Math.max(bound, warm.rate() * 1.5), SECONDS, openHere);
        return closedLoop(name, verifications, SECONDS);
    }

    /**
     * A verification phase at max rate in steady state: the users for its warm-up (10 s) and for itself made first,
     * for {@code expectedRate}, so that nothing runs between the two (making users runs the challenge opening, the
     * token signing and JDBC batches).
     */
    private Result steadyRate(
            String name,
            ConcurrentLinkedQueue<User> users,
            List<User> allUsers,
            Supplier<HttpRequest> verifications,
            double expectedRate)
            throws Exception {
        int warmup = Math.min(WARMUP_SECONDS, 10);
        topUp(users, allUsers, expectedRate, warmup + SECONDS, true);
        closedLoop("warm-up " + name, verifications, warmup);
        return closedLoop(name, verifications, SECONDS);
    }

    /** A floor phase (warm-up, then measured) over {@code targets}, each phase on freshly reopened challenges. */
    private Result floor(String name, String endpoint, List<String[]> targets) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Supplier<HttpRequest> calls = () -> {
            String[] t = targets.get(Math.floorMod(next.getAndIncrement(), targets.size()));
            String path = "bench/" + endpoint + "/" + t[0] + "/" + t[1] + (endpoint.endsWith("-one") ? "/" + t[2] : "");
            return HttpRequest.newBuilder(base.resolve(path))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
        };
        reopenChallenges();
        closedLoop("warm-up " + name, calls, WARMUP_SECONDS);
        reopenChallenges();
        next.set(0);
        return closedLoop(name, calls, SECONDS);
    }

    private void reopenChallenges() throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                Statement s = c.createStatement()) {
            s.executeUpdate("update challenge set completed_at = null, expires_at = now() + interval '1 hour' "
                    + "where user_id like 'bench-%'");
            s.execute("vacuum analyze challenge");
        }
    }

    private HttpRequest nextVerification(ConcurrentLinkedQueue<User> users, Totp totp, String prefix) {
        // Bounded by the users made, not users.size(): that walks the whole queue, and showed up in profiles.
        for (int tries = 0; tries <= usersMade.get(); tries++) {
            User u = users.poll();
            if (u == null) {
                break;
            }
            synchronized (u) {
                long now = totp.currentStep();
                long step = Math.max(u.lastStep + 1, now);
                Slot slot = step <= now + 1 ? u.challenges.poll() : null;
                if (slot == null) {
                    if (!u.challenges.isEmpty()) {
                        users.add(u); // exhausted for this step only
                    }
                    continue;
                }
                u.lastStep = step;
                if (!u.challenges.isEmpty()) {
                    users.add(u);
                }
                String body = "{\"method\":\"TOTP\",\"code\":\"" + totp.generateAt(u.secret, step) + "\"}";
                return HttpRequest.newBuilder(base.resolve(prefix + slot.challenge() + "/verify"))
                        .header("Authorization", "Bearer " + slot.token())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
            }
        }
        throw new IllegalStateException("out of benchmark users: raise -Dbench.users");
    }

    private Result closedLoop(String name, Supplier<HttpRequest> requests, int seconds) throws Exception {
        return drive(name, requests, seconds, 0);
    }

    private Result paced(String name, Supplier<HttpRequest> requests, double ratePerSecond, int seconds)
            throws Exception {
        return drive(name, requests, seconds, ratePerSecond);
    }

    /** One phase of {@link LoadLoop#drive} (a closed loop at {@link #CONCURRENCY} when rate is 0), with its CPU. */
    private Result drive(String name, Supplier<HttpRequest> requests, int seconds, double rate) throws Exception {
        // What the preparation left in the young generation (users, their challenges and tokens in the service's
        // caches: hundreds of MB before a verification phase) would otherwise be copied by the phase's first young
        // pauses (20-60 ms, where the ceiling's are 3 ms), and the phase's tail would measure the benchmark's own
        // setup. A full collection before each phase promotes it.
        System.gc();
        PgWaits waits = PG_WAITS ? new PgWaits() : null;
        System.out.println(Instant.now() + " start: " + name); // to attach a profiler to one phase
        CpuSample before = CpuSample.take();
        LoadLoop.Measured m = LoadLoop.drive(http, requests, status -> status < 300, CONCURRENCY, seconds, rate);
        CpuSample after = CpuSample.take();
        if (waits != null) {
            waits.close();
        }
        Result r = new Result(
                name, m, after.jvm - before.jvm, after.pg - before.pg, after.machineBusy - before.machineBusy);
        System.out.println(Instant.now() + " " + r.row()); // the time: to match a phase with the GC log
        System.out.println("  " + m.slowWindows(25, 8));
        if (waits != null) {
            long phaseEnd = m.startNanos() + (long) (m.seconds() * 1e9);
            System.out.println("  PostgreSQL waits, mean active backends per sample, whole phase: "
                    + waits.between(m.startNanos(), phaseEnd));
            for (long[] w : m.slowWindows(25).stream().limit(4).toList()) {
                long from = m.startNanos() + w[0] * 100_000_000L;
                System.out.printf(
                        "  ... %.1f-%.1f s: %s%n",
                        w[0] / 10.0, w[0] / 10.0 + 0.3, waits.between(from, from + 300_000_000L));
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ data

    private void prepareCeilingTable() throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                Statement s = c.createStatement()) {
            s.execute("create table if not exists bench_row (id integer primary key, n bigint not null default 0)");
            s.execute("insert into bench_row (id) select g from generate_series(0, " + (BENCH_ROWS - 1) + ") g "
                    + "on conflict do nothing");
        }
    }

    /**
     * Adds users until the queue holds enough with all their challenges unused for {@code rate} verifications/s for
     * {@code seconds}: first users of earlier phases whose challenges are all used (this replica opens new ones for
     * them with their token, still cached), then new ones.
     */
    private void topUp(
            ConcurrentLinkedQueue<User> users, List<User> allUsers, double rate, int seconds, boolean openHere)
            throws Exception {
        int needed = (int) Math.ceil(rate * seconds * 1.2 / SLOTS_PER_USER);
        // Only users with every challenge unused count: one used in the current step must wait for the next before
        // its second challenge, so a queue of those runs dry at once.
        int missing = needed
                - (int) users.stream()
                        .filter(u -> u.challenges.size() == SLOTS_PER_USER)
                        .count();
        if (missing > 0 && openHere) {
            // Users with no challenge left are in no queue. One whose last step is the current one or the next (the
            // phase just before) could use neither new challenge before the step after.
            long step = new Totp(clock).currentStep();
            List<User> done = allUsers.stream()
                    .filter(u -> u.token != null && u.challenges.isEmpty() && u.lastStep < step)
                    .limit(missing)
                    .toList();
            openChallenges(done);
            users.addAll(done);
            missing -= done.size();
        }
        if (missing > 0) {
            List<User> more = prepareUsers(missing, openHere);
            users.addAll(more);
            allUsers.addAll(more);
        }
    }

    /**
     * Makes {@code count} users with a TOTP factor and {@link #SLOTS_PER_USER} open challenges each: opened through
     * the service ({@code POST /challenges}, so that it keeps them for their verify as in a sign-in) when
     * {@code openHere}, else inserted in the database (as a challenge another replica opened).
     */
    private List<User> prepareUsers(int count, boolean openHere) throws Exception {
        usersMade.addAndGet(count);
        List<User> users = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        Timestamp nowTs = Timestamp.from(now);
        Timestamp expires = Timestamp.from(now.plus(Duration.ofMinutes(30)));
        ExecutorService signers = Executors.newFixedThreadPool(2);
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE)) {
            c.setAutoCommit(false);
            try (PreparedStatement factor =
                            c.prepareStatement("insert into factor (factor_id, user_id, org_id, method, "
                                    + "label, secret_enc, enrolled_at) values (?, ?, 'bench', 'TOTP', 'bench', ?, ?)");
                    PreparedStatement state =
                            c.prepareStatement("insert into user_state (user_id, org_id, requirement, "
                                    + "consecutive_failures, updated_at) values (?, 'bench', 'REQUIRED', 0, ?)");
                    PreparedStatement challenge =
                            c.prepareStatement("insert into challenge (challenge_id, user_id, org_id, "
                                    + "methods, created_at, expires_at) values (?, ?, 'bench', 'TOTP', ?, ?)")) {
                List<java.util.concurrent.Future<User>> minted = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String id = "bench-" + run + "-" + i;
                    byte[] secret = new byte[20];
                    random.nextBytes(secret);
                    UUID factorId = UUID.randomUUID();
                    factor.setObject(1, factorId);
                    factor.setString(2, id);
                    factor.setString(3, Factor.sealSecret(keys, id, factorId, Base32.encode(secret)));
                    factor.setTimestamp(4, nowTs);
                    factor.addBatch();
                    state.setString(1, id);
                    state.setTimestamp(2, nowTs);
                    state.addBatch();
                    List<String> inserted = new ArrayList<>();
                    for (int k = 0; k < (openHere ? 0 : SLOTS_PER_USER); k++) {
                        UUID cid = UUID.randomUUID();
                        inserted.add(cid.toString());
                        challenge.setObject(1, cid);
                        challenge.setString(2, id);
                        challenge.setTimestamp(3, nowTs);
                        challenge.setTimestamp(4, expires);
                        challenge.addBatch();
                    }
                    minted.add(signers.submit(() -> {
                        // A user's own token opens its challenges here; one opened elsewhere brings a token per slot.
                        User u = new User(id, factorId, secret, openHere ? token(id) : null);
                        for (String cid : inserted) {
                            u.challenges.add(new Slot(cid, token(id)));
                            u.allChallenges.add(cid);
                        }
                        return u;
                    }));
                    if (i % 1000 == 999) {
                        factor.executeBatch();
                        state.executeBatch();
                        challenge.executeBatch();
                    }
                }
                factor.executeBatch();
                state.executeBatch();
                challenge.executeBatch();
                c.commit();
                for (var f : minted) {
                    users.add(f.get());
                }
            }
        } finally {
            signers.shutdown();
        }
        if (openHere) {
            openChallenges(users);
        }
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                Statement s = c.createStatement()) {
            s.execute("vacuum analyze");
        }
        return users;
    }

    /** A fresh access token for {@code userId}: each is signed anew, so no two are alike. */
    private static String token(String userId) {
        return TestTokens.builder(userId, "bench")
                .expiresAt(Instant.now().plus(Duration.ofHours(2)))
                .sign();
    }

    private static final java.util.regex.Pattern CHALLENGE_ID =
            java.util.regex.Pattern.compile("\"challengeId\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    /** Opens each user's challenges through the service, a few in flight at a time. */
    private void openChallenges(List<User> users) throws Exception {
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
        AtomicInteger failed = new AtomicInteger();
        for (User u : users) {
            for (int k = 0; k < SLOTS_PER_USER; k++) {
                inFlight.acquire();
                HttpRequest open = HttpRequest.newBuilder(base.resolve("api/v1/challenges"))
                        .header("Authorization", "Bearer " + u.token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build();
                http.sendAsync(open, java.net.http.HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, failure) -> {
                            java.util.regex.Matcher m = failure == null ? CHALLENGE_ID.matcher(response.body()) : null;
                            if (m != null && response.statusCode() == 201 && m.find()) {
                                synchronized (u) {
                                    u.challenges.add(new Slot(m.group(1), u.token));
                                    u.allChallenges.add(m.group(1));
                                }
                            } else {
                                failed.incrementAndGet();
                            }
                            inFlight.release();
                        });
            }
        }
        inFlight.acquire(32);
        inFlight.release(32);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " challenges could not be opened");
        }
    }

    // ------------------------------------------------------------------ CPU accounting

    /** CPU seconds so far: this JVM (service + driver), the test PostgreSQL server's processes, the whole machine. */
    record CpuSample(double jvm, double pg, double machineBusy) {
        static final double TICK = 100.0; // USER_HZ on Linux

        static CpuSample take() {
            double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime()
                    / 1e9;
            return new CpuSample(jvm, readPostgresCpu(), readMachineBusy());
        }

        static double readMachineBusy() {
            try {
                String[] f =
                        Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < f.length; i++) {
                    if (i != 4 && i != 5) { // idle, iowait
                        busy += Long.parseLong(f[i]);
                    }
                }
                return busy / TICK;
            } catch (Exception e) {
                return Double.NaN;
            }
        }

        /** The postmaster listening on the test port and its children (backends). */
        static double readPostgresCpu() {
            String port = System.getProperty(PostgresTestResource.PORT_PROPERTY);
            try (var procs = Files.list(Path.of("/proc"))) {
                Map<Long, long[]> stats = new java.util.HashMap<>(); // pid -> {ppid, ticks}
                Long master = null;
                for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .toList()) {
                    try {
                        String stat = Files.readString(p.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long pid = Long.parseLong(p.getFileName().toString());
                        stats.put(
                                pid, new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])});
                        if (port != null && stat.contains("(postgres)")) {
                            String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                    .replace('\0', ' ');
                            if (cmd.contains("-p " + port)) {
                                master = pid;
                            }
                        }
                    } catch (Exception ignored) {
                        // process ended meanwhile
                    }
                }
                if (master == null) {
                    return Double.NaN;
                }
                long ticks = 0;
                for (var e : stats.entrySet()) {
                    if (e.getKey().equals(master) || e.getValue()[0] == master) {
                        ticks += e.getValue()[1];
                    }
                }
                return ticks / TICK;
            } catch (Exception e) {
                return Double.NaN;
            }
        }
    }
}
