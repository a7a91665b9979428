package dev.mfa.systemtests.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits until the platform has nothing left to do: every outbox relayed, every consumer group with members stable and
 * caught up with every partition it reads, no SMS or e-mail waiting for (or in) a provider call, no e-mail campaign
 * left to fan out. A duplicate event or text caused by what
 * happened before would be visible by then, so "none twice" can be asserted without a fixed sleep.
 *
 * <p>Reads the services' databases on the local PostgreSQL (deploy/local/run.sh's LOCAL credentials) only to decide
 * when to look; the verdicts stay on the API, the topics and the stub.
 */
public final class Idle {

    private static final String PG = "jdbc:postgresql://localhost:55432/";
    private static final List<String> DATABASES =
            List.of("mfa_enrollment", "mfa_verification", "mfa_notification", "mfa_scheduler");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Idle() {}

    /** Waits until two checks in a row find nothing pending (one could fall between two stages of a chain). */
    public static void await() {
        int[] clear = {0};
        List<String> last = new ArrayList<>();
        try {
            Awaitility.await("the platform idle")
                    .atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        List<String> pending = pending();
                        last.clear();
                        last.addAll(pending);
                        clear[0] = pending.isEmpty() ? clear[0] + 1 : 0;
                        return clear[0] >= 2;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the platform is still busy after " + TIMEOUT + ": " + last, e);
        }
    }

    /** What is still in progress, e.g. {@code ["mfa_enrollment: 2 unsent outbox rows", "lag 3: group x"]}. */
    public static List<String> pending() throws Exception {
        List<String> pending = new ArrayList<>();
        for (String db : DATABASES) {
            try (Connection c = DriverManager.getConnection(PG + db, "postgres", "postgres");
                    Statement s = c.createStatement()) {
                long unsent = count(
                        s,
                        "select case when to_regclass('outbox_event') is null then 0 else "
                                + "(select count(*) from outbox_event where sent_at is null) end");
                if (unsent > 0) {
                    pending.add(db + ": " + unsent + " unsent outbox rows");
                }
                if (db.equals("mfa_notification")) {
                    long sms = count(s, "select count(*) from sms_request where state in ('PENDING', 'SENDING')");
                    if (sms > 0) {
                        pending.add(db + ": " + sms + " SMS requests pending or sending");
                    }
                    long mails = countIfTable(s, "email_request", "state in ('PENDING', 'SENDING')");
                    if (mails > 0) {
                        pending.add(db + ": " + mails + " e-mail requests pending or sending");
                    }
                }
                if (db.equals("mfa_enrollment")) {
                    // A campaign is fanned out after its deadline event's commit, in range transactions of its own.
                    long campaigns = countIfTable(s, "email_campaign", "done_at is null");
                    if (campaigns > 0) {
                        pending.add(db + ": " + campaigns + " e-mail campaigns not fanned out yet");
                    }
                }
            }
        }
        pending.addAll(consumerLag());
        return pending;
    }

    /** Outbox rows of one service's database not relayed to Kafka yet. */
    public static long unsentOutboxRows(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG + database, "postgres", "postgres");
                Statement s = c.createStatement()) {
            return count(s, "select count(*) from outbox_event where sent_at is null");
        }
    }

    /**
     * notification-service's e-mail requests among {@code requestIds} that are still waiting to be sent (PENDING), with
     * how many send attempts each has had.
     */
    public static Map<String, Integer> pendingEmailAttempts(List<String> requestIds) throws SQLException {
        Map<String, Integer> attempts = new HashMap<>();
        try (Connection c = DriverManager.getConnection(PG + "mfa_notification", "postgres", "postgres");
                PreparedStatement s = c.prepareStatement("select request_id::text, attempts from email_request"
                        + " where state = 'PENDING' and request_id::text = any (?)")) {
            s.setArray(1, c.createArrayOf("text", requestIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    attempts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return attempts;
    }

    /** deadline-scheduler's triggers of an org that have not fired yet. */
    public static long pendingDeadlineTriggers(String orgId) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG + "mfa_scheduler", "postgres", "postgres");
                PreparedStatement s = c.prepareStatement(
                        "select count(*) from deadline_trigger where org_id = ? and fired_at is null")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Rows of {@code table} matching {@code where}; 0 while the service has not created the table yet. */
    private static long countIfTable(Statement s, String table, String where) throws SQLException {
        return count(
                s,
                "select case when to_regclass('" + table + "') is null then 0 else (select count(*) from " + table
                        + " where " + where + ") end");
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Active groups (members present) whose committed offsets are behind the partitions' ends. */
    private static List<String> consumerLag() throws InterruptedException, ExecutionException, TimeoutException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA_BOOTSTRAP);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "system-tests-idle");
        List<String> lagging = new ArrayList<>();
        try (Admin admin = Admin.create(p)) {
            List<String> groups = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId)
                    .toList();
            Map<String, ConsumerGroupDescription> described =
                    admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
            for (String group : groups) {
                ConsumerGroupDescription d = described.get(group);
                if (d == null || d.groupState() == GroupState.EMPTY || d.groupState() == GroupState.DEAD) {
                    continue; // no member: nobody consumes for this group
                }
                if (d.groupState() != GroupState.STABLE) {
                    lagging.add("group " + group + ": " + d.groupState()); // e.g. rebalancing after a restart
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                d.members()
                        .forEach(m ->
                                m.assignment().topicPartitions().forEach(tp -> latest.put(tp, OffsetSpec.latest())));
                if (latest.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                long lag = 0;
                for (var e : ends.entrySet()) {
                    OffsetAndMetadata at = committed.get(e.getKey());
                    lag += e.getValue().offset() - (at == null ? 0 : at.offset());
                }
                if (lag > 0) {
                    lagging.add("group " + group + ": lag " + lag);
                }
            }
        }
        return lagging;
    }
}
