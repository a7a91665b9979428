package dev.mfa.scheduler;

import static dev.mfa.scheduler.Fixtures.newOrg;
import static dev.mfa.scheduler.Fixtures.onVertx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.OutboxRelay;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * mfa-core's relay against the real table and broker: it deletes exactly the rows it sent, once acknowledged; a row
 * it could not relay (another relay holds the lock, or a send failed) stays for the next run.
 */
@QuarkusTest
class OutboxRelayIT extends SchedulerCase {

    /** Over the producer's max.request.size (1 MiB by default): the send fails in the client, every time. */
    private static final int TOO_LARGE = 1_200_000;

    @Inject
    OutboxRelay relay;

    @Test
    void aRelayedRowIsGoneAndARowBehindAnotherRelaysLockStays() throws Exception {
        String org = newOrg("relay-lock");
        CloudEvent event =
                fx.codec.wrap("/deadline-scheduler", new Events.DeadlineReached(org, clock.instant()), now());
        // A row that a relay before issue 16 marked sent instead of deleting it: not relayed again, left to the purge.
        CloudEvent marked =
                fx.codec.wrap("/deadline-scheduler", new Events.DeadlineReached(org, clock.instant()), now());
        try (Connection otherRelay = Fixtures.connect()) {
            lock(otherRelay);
            // Written and marked behind the lock: the scheduled relay must not take it between the two statements.
            insert(marked.id(), marked.subject(), fx.codec.encode(marked));
            update("update outbox_event set sent_at = now() where id = ?", marked.id());
            insert(event.id(), event.subject(), fx.codec.encode(event));
            // Another replica holds the relay lock: this run relays nothing and leaves the row.
            assertThat(onVertx(relay::relayBatch)).isZero();
            assertThat(rows(event.id())).isEqualTo(1);
            assertThat(onVertx(relay::measuredBacklog).rows()).isPositive();
            unlock(otherRelay);
        }
        await().atMost(Fixtures.WAIT).until(() -> rows(event.id()) == 0);
        assertThat(fx.deadlineEventsOf(org)).extracting(CloudEvent::id).containsExactly(event.id());
        assertThat(rows(marked.id())).isEqualTo(1);
        update("delete from outbox_event where id = ?", marked.id());
    }

    @Test
    void aFailedSendLeavesTheRunsRowsForTheNextRun() throws Exception {
        String org = newOrg("relay-fail");
        CloudEvent good = fx.codec.wrap("/deadline-scheduler", new Events.DeadlineReached(org, clock.instant()), now());
        UUID poison = UUID.randomUUID();
        try (Connection otherRelay = Fixtures.connect()) {
            // Both rows become visible at once, behind the lock, so that they go in the same run.
            lock(otherRelay);
            insert(good.id(), good.subject(), fx.codec.encode(good));
            insert(poison, org, "x".repeat(TOO_LARGE));
            unlock(otherRelay);
            await().atMost(Fixtures.WAIT).until(this::aRunFailed);
            assertThat(rows(good.id())).isEqualTo(1);
            assertThat(rows(poison)).isEqualTo(1);

            // Once the row that cannot be sent is gone (an operator's fix), the next run relays the other.
            lock(otherRelay);
            update("delete from outbox_event where id = ?", poison);
            unlock(otherRelay);
        }
        await().atMost(Fixtures.WAIT).until(() -> rows(good.id()) == 0);
        // At least once: the failed run may have sent it already (consumers drop the duplicate by id).
        assertThat(fx.deadlineEventsOf(org)).extracting(CloudEvent::id).containsOnly(good.id());
    }

    /** A run of ours that failed (the scheduled relay may take some runs: they fail the same way). */
    private boolean aRunFailed() {
        try {
            onVertx(relay::relayBatch);
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private static void lock(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("select pg_advisory_lock(" + OutboxRelay.RELAY_LOCK_ID + ")");
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("select pg_advisory_unlock(" + OutboxRelay.RELAY_LOCK_ID + ")");
        }
    }

    /** A committed outbox row on the deadlines topic, as a producer writes it. */
    private static void insert(UUID id, String key, String payload) throws SQLException {
        try (Connection c = Fixtures.connect();
                PreparedStatement ps = c.prepareStatement("insert into outbox_event "
                        + "(id, topic, record_key, event_type, payload, created_at) values (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, Topics.DEADLINES);
            ps.setString(3, key);
            ps.setString(4, "mfa.test.relay");
            ps.setString(5, payload);
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }

    private static void update(String sql, UUID id) throws SQLException {
        try (Connection c = Fixtures.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static long rows(UUID id) throws SQLException {
        return Fixtures.count("select count(*) from outbox_event where id = ?", id);
    }
}
