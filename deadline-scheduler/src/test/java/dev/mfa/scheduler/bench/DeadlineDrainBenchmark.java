package dev.mfa.scheduler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.localstack.testing.TestClock;
import dev.mfa.scheduler.Fixtures;
import dev.mfa.scheduler.service.DeadlineClaimer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * NOT part of {@code mvn verify} (the name matches neither surefire's nor failsafe's patterns). Measures the time
 * to fire {@value #ORGS} org deadlines that are due at once: from the start of the job's run to the moment the last
 * event is acknowledged by the broker (the outbox relay deletes a row only after {@code acks=all}). Run:
 * <pre>
 * mvn -B -o -pl deadline-scheduler verify -Dit.test=DeadlineDrainBenchmark -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Results are logged as {@code BENCH ...} lines; docs/benchmarks/deadline-scheduler.md holds the recorded ones.
 */
@QuarkusTest
@TestProfile(DeadlineDrainBenchmark.JobOff.class)
class DeadlineDrainBenchmark {

    static final int ORGS = 10_000;
    static final int ROUNDS = 3;
    private static final Logger LOG = Logger.getLogger(DeadlineDrainBenchmark.class);

    /** The scheduled job stays off: the benchmark starts the run itself, at a known instant. */
    public static class JobOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mfa.scheduler.interval", "off");
        }
    }

    final TestClock clock = TestClock.get();

    @Inject
    DeadlineClaimer claimer;

    @Test
    void fireTenThousandDeadlinesDueAtOnce() throws Exception {
        List<String> results = new ArrayList<>();
        Fixtures.installOutboxHistory();
        for (int round = 0; round <= ROUNDS; round++) {
            String prefix = Fixtures.newOrg("bench") + "-";
            Instant deadline = clock.instant().plus(Duration.ofMinutes(1));
            try (Connection c = Fixtures.connect()) {
                c.setAutoCommit(false);
                for (int i = 0; i < ORGS; i++) {
                    Fixtures.insertState(c, prefix + i, 1, deadline, clock.instant(), List.of());
                }
                c.commit();
            }
            clock.advanceTo(deadline.plusSeconds(1));

            long start = System.nanoTime();
            int fired = Fixtures.onVertx(claimer::drain);
            long claimed = System.nanoTime();
            // Batched rows are keyed by their first event's subject, which carries this round's prefix.
            String unsent = "select count(*) from outbox_event where sent_at is null and record_key like ?";
            while (Fixtures.count(unsent, prefix + "%") > 0) {
                Thread.sleep(10);
            }
            long acked = System.nanoTime();

            assertThat(fired).isEqualTo(ORGS);
            assertThat(Fixtures.outboxEventsWithSubject(prefix)).isEqualTo(ORGS);
            String line = String.format(
                    "BENCH round=%d%s orgs=%d claimedInOutboxMs=%d lastAckedMs=%d " + "throughputPerS=%.0f",
                    round,
                    round == 0 ? "(warm-up)" : "",
                    ORGS,
                    (claimed - start) / 1_000_000,
                    (acked - start) / 1_000_000,
                    ORGS / ((acked - start) / 1e9));
            LOG.info(line);
            results.add(line);
        }
        results.forEach(System.out::println);
    }
}
