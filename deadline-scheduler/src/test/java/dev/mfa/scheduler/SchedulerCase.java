package dev.mfa.scheduler;

import dev.mfa.localstack.testing.TestClock;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What the scheduler's integration tests share: the application's clock and a {@link Fixtures} per test. */
abstract class SchedulerCase {

    /** The application's clock (see {@link TestClockProducer}). */
    final TestClock clock = TestClock.get();

    Fixtures fx;

    @BeforeEach
    void openFixtures() {
        fx = new Fixtures();
    }

    @AfterEach
    void closeFixtures() {
        fx.close();
    }

    /** An org's stored policy and triggers, written straight to the database in one committed transaction. */
    static void insertCommitted(String orgId, long version, Instant deadline, Instant setAt, List<Integer> reminderDays)
            throws Exception {
        try (Connection c = Fixtures.connect()) {
            c.setAutoCommit(false);
            Fixtures.insertState(c, orgId, version, deadline, setAt, reminderDays);
            c.commit();
        }
    }
}
