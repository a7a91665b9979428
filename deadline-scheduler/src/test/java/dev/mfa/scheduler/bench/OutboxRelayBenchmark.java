package dev.mfa.scheduler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.scheduler.Fixtures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * NOT part of {@code mvn verify} (the name matches neither surefire's nor failsafe's patterns). The outbox relay's
 * cost per event (issue 16): inserts {@value #EVENTS} one-event rows while holding the relay's advisory lock (as
 * another replica would), then lets go and measures, until the relay (its own 100 ms timer, 500 events per run)
 * reported them all published and nothing is left to send, the rate and the CPU of the test PostgreSQL server (its
 * postmaster and children, from /proc) and of this JVM; then the deferred cleanup of what the relay left behind (the
 * hourly purge of rows marked sent, then a VACUUM of the dead tuples; autovacuum is off for the table meanwhile).
 * Only public API and the table, so that the same file measures an older relay. Run:
 * <pre>
 * mvn -B -o -pl deadline-scheduler -am verify -Dit.test=OutboxRelayBenchmark -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dit.argLine=
 * </pre>
 * Results are logged as {@code BENCH ...} lines; docs/benchmarks.md ("Outbox relay (issue 16)") holds them.
 */
@QuarkusTest
@TestProfile(OutboxRelayBenchmark.JobOff.class)
class OutboxRelayBenchmark {

    static final int EVENTS = 20_000;
    static final int ROUNDS = 3;
    /** {@code OutboxRelay}'s advisory lock id (a literal: older relays kept it private). */
    private static final long RELAY_LOCK_ID = 0x6d66615f6f7574L;

    private static final Logger LOG = Logger.getLogger(OutboxRelayBenchmark.class);

    /** The scheduler's job stays off: the only writes are the benchmark's. */
    public static class JobOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mfa.scheduler.interval", "off");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void relayTwentyThousandEvents() throws Exception {
        EventCodec codec = new EventCodec();
        String payload = codec.encode(codec.wrap(
                "/deadline-scheduler", new Events.DeadlineReached("bench-org", Instant.now()), Instant.now()));
        Counter published = registry.get("mfa.outbox.published").counter();
        List<String> results = new ArrayList<>();
        try (Connection c = Fixtures.connect()) {
            execute(c, "alter table outbox_event set (autovacuum_enabled = false)");
            for (int round = 0; round <= ROUNDS; round++) {
                execute(c, "select pg_advisory_lock(" + RELAY_LOCK_ID + ")");
                insert(c, payload);
                execute(c, "vacuum analyze outbox_event");
                double target = published.count() + EVENTS;

                Sample start = Sample.take(c);
                long t0 = System.nanoTime();
                execute(c, "select pg_advisory_unlock(" + RELAY_LOCK_ID + ")");
                while (published.count() < target) {
                    Thread.sleep(2); // in this JVM: costs the server nothing
                }
                while (Fixtures.count("select count(*) from outbox_event where sent_at is null") > 0) {
                    Thread.sleep(2); // the last commit (an older relay counted before it)
                }
                long t1 = System.nanoTime();
                Sample relayedAt = Sample.take(c);
                execute(c, "delete from outbox_event where sent_at is not null");
                execute(c, "vacuum outbox_event");
                Sample cleaned = Sample.take(c);

                double perK = 1000.0 / EVENTS;
                String line = String.format(
                        "BENCH round=%d%s events=%d eventsPerS=%.0f pgCpuMsPer1k relay=%.1f cleanup=%.1f total=%.1f "
                                + "jvmCpuMsPer1k=%.1f relayThreadsCpuMsPer1k=%.1f walKiBPer1k relay=%.0f cleanup=%.0f",
                        round,
                        round == 0 ? "(warm-up)" : "",
                        EVENTS,
                        EVENTS / ((t1 - t0) / 1e9),
                        (relayedAt.pg - start.pg) * 1000 * perK,
                        (cleaned.pg - relayedAt.pg) * 1000 * perK,
                        (cleaned.pg - start.pg) * 1000 * perK,
                        (relayedAt.jvm - start.jvm) * 1000 * perK,
                        (relayedAt.relayThreads - start.relayThreads) * 1000 * perK,
                        (relayedAt.wal - start.wal) / 1024.0 * perK,
                        (cleaned.wal - relayedAt.wal) / 1024.0 * perK);
                LOG.info(line);
                results.add(line);
            }
            execute(c, "alter table outbox_event reset (autovacuum_enabled)");
        }
        assertThat(results).hasSize(ROUNDS + 1);
        results.forEach(System.out::println);
    }

    private static void insert(Connection c, String payload) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("insert into outbox_event (id, topic, record_key, event_type, payload, created_at) "
                        + "select gen_random_uuid(), ?, 'bench-' || i, 'mfa.deadline.reached', ?, now() "
                        + "from generate_series(1, ?) i")) {
            ps.setString(1, Topics.DEADLINES);
            ps.setString(2, payload);
            ps.setInt(3, EVENTS);
            ps.executeUpdate();
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * CPU seconds of this JVM (with the test broker, which runs in it), of the threads the relay's work runs on (Vert.x
     * event loops: the pg client and the relay's code; the Kafka producer's threads) and of the test server
     * (postmaster and children); WAL bytes written.
     */
    record Sample(double jvm, double relayThreads, double pg, long wal) {

        static Sample take(Connection c) throws Exception {
            double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime()
                    / 1e9;
            String dataDir;
            long wal;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select current_setting('data_directory'), "
                            + "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
                rs.next();
                dataDir = rs.getString(1);
                wal = rs.getLong(2);
            }
            long master = Long.parseLong(Files.readAllLines(Path.of(dataDir, "postmaster.pid"))
                    .get(0)
                    .trim());
            return new Sample(jvm, relayThreadsCpu(), serverTicks(master) / 100.0, wal); // USER_HZ = 100
        }

        private static double relayThreadsCpu() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long nanos = 0;
            for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (t != null
                        && (t.getThreadName().startsWith("vert.x-eventloop-thread")
                                || t.getThreadName().startsWith("kafka-producer-network-thread")
                                || t.getThreadName().startsWith("smallrye-kafka-producer-thread"))) {
                    nanos += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
                }
            }
            return nanos / 1e9;
        }

        /** utime + stime of {@code master} and its direct children (the backends and background workers). */
        private static long serverTicks(long master) throws Exception {
            long ticks = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.toList()) {
                    if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    String[] f;
                    try {
                        String stat = Files.readString(p.resolve("stat"));
                        f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    } catch (Exception gone) {
                        continue; // ended meanwhile
                    }
                    long pid = Long.parseLong(p.getFileName().toString());
                    if (pid == master || Long.parseLong(f[1]) == master) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                }
            }
            return ticks;
        }
    }
}
