package dev.mfa.scheduler;

import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.OutboxHistory;
import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.scheduler.domain.TriggerKind;
import dev.mfa.scheduler.domain.TriggerPlan;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Test helpers: policy events in, deadline events out (counted on the real topic), direct database access. */
public final class Fixtures implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SENTINEL_PREFIX = "sentinel-";

    public final EventCodec codec = new EventCodec();
    public final KafkaCompanion kafka = new KafkaCompanion(KafkaTestResource.bootstrapServers());

    /** Keeps a copy of the outbox rows written from now on ({@link #outboxEventsWithSubject(String)}). */
    public Fixtures() {
        try {
            installOutboxHistory();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The relay deletes rows once sent: what was written is read from {@link OutboxHistory#TABLE}. */
    public static void installOutboxHistory() throws SQLException {
        try (Connection c = connect()) {
            OutboxHistory.install(c);
        }
    }

    @Override
    public void close() {
        kafka.close();
    }

    public static String newOrg(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    // ---------------------------------------------------------------- policies in

    public CloudEvent policy(String orgId, boolean enabled, Instant deadline, long version, Instant updatedAt) {
        String state = !enabled
                ? "DISABLED"
                : deadline != null && !deadline.isAfter(updatedAt) ? "ENFORCED" : "EARLY_ENROLLMENT";
        return codec.wrap(
                "/enrollment-service",
                new Events.OrgPolicyChanged(
                        orgId, enabled, deadline, state, List.of("TOTP", "SMS"), version, updatedAt),
                Instant.now());
    }

    /** Publishes the event on {@code mfa.org-policies} and waits until the scheduler has processed it. */
    public CloudEvent sendAndAwait(CloudEvent event) {
        send(event.subject(), codec.encode(event));
        await().atMost(WAIT).until(() -> processed(event.id()));
        return event;
    }

    public void send(String key, String value) {
        kafka.produceStrings()
                .fromRecords(new ProducerRecord<>(Topics.ORG_POLICIES, key, value))
                .awaitCompletion(WAIT);
    }

    // ---------------------------------------------------------------- deadline events out

    /**
     * Every deadline event on the topic so far, after everything in the outbox has been acknowledged: a sentinel
     * record written after the outbox drained marks the end (the test topics have one partition).
     */
    public List<CloudEvent> deadlineEvents() {
        await().atMost(WAIT).until(() -> count("select count(*) from outbox_event where sent_at is null") == 0);
        String sentinel = SENTINEL_PREFIX + UUID.randomUUID();
        kafka.produceStrings()
                .fromRecords(new ProducerRecord<>(Topics.DEADLINES, sentinel, "{}"))
                .awaitCompletion(WAIT);
        var records = kafka.consumeStrings()
                .fromTopics(Set.of(Topics.DEADLINES), m -> m.select().first(r -> !sentinel.equals(r.key())))
                .awaitCompletion(WAIT)
                .getRecords();
        List<CloudEvent> events = new ArrayList<>();
        for (var r : records) {
            if (r.key() == null || !r.key().startsWith(SENTINEL_PREFIX)) {
                events.add(codec.decode(r.value()));
            }
        }
        return events;
    }

    public List<CloudEvent> deadlineEventsOf(String orgId) {
        return deadlineEvents().stream().filter(e -> orgId.equals(e.subject())).toList();
    }

    /** Waits until the scheduler wrote {@code n} events for the org to its outbox. */
    public void awaitOutboxEvents(String orgId, int n) {
        await().atMost(WAIT).until(() -> outboxEventsWithSubject(orgId + "\"") >= n);
    }

    /**
     * Events written to the outbox since {@link #installOutboxHistory()} (relayed or not) whose subject starts with
     * {@code subjectPrefix}, batched rows included (their payload is a JSON array of CloudEvents, see mfa-core
     * {@code OutboxBatches}): counts occurrences of the encoded subject field.
     */
    public static long outboxEventsWithSubject(String subjectPrefix) throws SQLException {
        String needle = "\"subject\":\"" + subjectPrefix;
        return count(
                "select coalesce(sum((length(payload) - length(replace(payload, ?, ''))) / length(?)), 0) " + "from "
                        + OutboxHistory.TABLE,
                needle,
                needle);
    }

    public static UUID reachedId(String orgId, Instant deadline) {
        return TriggerPlan.eventId(orgId, deadline, TriggerKind.REACHED, 0);
    }

    // ---------------------------------------------------------------- database

    public static <T> T onVertx(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean processed(UUID eventId) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("select count(*) from processed_event where event_id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    public static long count(String sql, Object... params) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i] instanceof Instant at ? Timestamp.from(at) : params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** {@code kind:daysLeft:outcome} of the org's triggers in due order (outcome {@code PENDING} when not fired). */
    public static List<String> triggers(String orgId) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(
                        "select kind, days_left, coalesce(outcome, 'PENDING') from deadline_trigger where org_id = ? "
                                + "order by fire_at, id")) {
            ps.setString(1, orgId);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + ":" + rs.getInt(2) + ":" + rs.getString(3));
                }
            }
            return out;
        }
    }

    public static long storedVersion(String orgId) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("select policy_version from org_deadline where org_id = ?")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
            }
        }
    }

    /**
     * Writes an org's state as a previous scheduler process would have left it (the consumer's plan), in one
     * transaction so that a running job never sees half of it.
     */
    public static void insertState(
            Connection c, String orgId, long version, Instant deadline, Instant setAt, List<Integer> reminderDays)
            throws SQLException {
        Instant at = TriggerPlan.normalize(deadline);
        try (PreparedStatement org = c.prepareStatement("insert into org_deadline (org_id, policy_version, enabled, "
                        + "enforcement_deadline, policy_updated_at, received_at) values (?, ?, true, ?, ?, ?)");
                PreparedStatement trigger = c.prepareStatement("insert into deadline_trigger (event_id, org_id, "
                        + "enforcement_deadline, kind, days_left, fire_at, created_at) values (?, ?, ?, ?, ?, ?, ?)")) {
            org.setString(1, orgId);
            org.setLong(2, version);
            org.setTimestamp(3, Timestamp.from(at));
            org.setTimestamp(4, Timestamp.from(setAt));
            org.setTimestamp(5, Timestamp.from(setAt));
            org.executeUpdate();
            for (TriggerPlan.Planned p : TriggerPlan.plan(orgId, at, setAt, reminderDays)) {
                trigger.setObject(1, p.eventId());
                trigger.setString(2, orgId);
                trigger.setTimestamp(3, Timestamp.from(at));
                trigger.setString(4, p.kind().name());
                trigger.setInt(5, p.daysLeft());
                trigger.setTimestamp(6, Timestamp.from(p.fireAt()));
                trigger.setTimestamp(7, Timestamp.from(setAt));
                trigger.addBatch();
            }
            trigger.executeBatch();
        }
    }

    public static Connection connect() throws SQLException {
        return PostgresTestResource.connect(TestStack.DATABASE);
    }
}
