package dev.mfa.verification.bench;

import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.verification.TestStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * BENCHMARK ONLY (-Dbench.pgwaits=true): what the test server's client backends wait on, sampled from
 * {@code pg_stat_activity} every few milliseconds during a phase, to tell a stall in PostgreSQL (WAL, locks, I/O) from
 * one in the JVM when a phase's slow answers bunch together.
 */
final class PgWaits implements AutoCloseable {

    private record Sample(long nanos, Map<String, Integer> waits) {}

    private final List<Sample> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean stop;

    PgWaits() {
        sampler = new Thread(this::sample, "bench-pg-waits");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                Statement s = c.createStatement()) {
            while (!stop) {
                long now = System.nanoTime();
                Map<String, Integer> waits = new TreeMap<>();
                try (ResultSet rs = s.executeQuery("select coalesce(wait_event_type || ':' || wait_event, 'CPU'), "
                        + "count(*) from pg_stat_activity where backend_type = 'client backend' and state = 'active' "
                        + "and pid <> pg_backend_pid() group by 1")) {
                    while (rs.next()) {
                        waits.put(rs.getString(1), rs.getInt(2));
                    }
                }
                synchronized (samples) {
                    samples.add(new Sample(now, waits));
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
        } catch (Exception e) {
            System.out.println("pg wait sampler stopped: " + e);
        }
    }

    /** Backends in each wait, summed over the samples from {@code fromNanos} (inclusive) to {@code toNanos}. */
    String between(long fromNanos, long toNanos) {
        Map<String, Integer> sum = new TreeMap<>();
        int n = 0;
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.nanos() >= fromNanos && s.nanos() < toNanos) {
                    n++;
                    s.waits().forEach((k, v) -> sum.merge(k, v, Integer::sum));
                }
            }
        }
        int count = n;
        return count + " samples: "
                + sum.entrySet().stream()
                        .sorted((a, b) -> b.getValue() - a.getValue())
                        .limit(6)
                        .map(e -> e.getKey() + " " + String.format("%.1f", e.getValue() / (double) Math.max(1, count)))
                        .collect(Collectors.joining(", "));
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        sampler.join();
    }
}
