package dev.mfa.enrollment.support;

import dev.mfa.enrollment.TestStack;
import dev.mfa.localstack.testing.OutboxHistory;
import dev.mfa.localstack.testing.PostgresTestResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Direct JDBC access to the service's database for setting up and checking state. */
public final class Db {

    private Db() {}

    public static Connection connect() throws SQLException {
        return PostgresTestResource.connect(TestStack.DATABASE);
    }

    public static int update(String sql, Object... args) {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<List<Object>> query(String sql, Object... args) {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<List<Object>> rows = new ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Object single(String sql, Object... args) {
        List<List<Object>> rows = query(sql, args);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    public static long count(String sql, Object... args) {
        return ((Number) single(sql, args)).longValue();
    }

    /** A roster member, as if identity.users had announced it (no event). */
    public static void user(String userId, String orgId, String pay, String requirement) {
        update(
                "insert into org_user (user_id, org_id, email, pay, requirement, created_at, updated_at) "
                        + "values (?, ?, ?, ?, ?, now(), now()) on conflict (user_id) do update set org_id = excluded.org_id, "
                        + "pay = excluded.pay, requirement = excluded.requirement",
                userId,
                orgId,
                userId + "@" + orgId + ".test",
                pay,
                requirement);
    }

    public static String requirement(String userId) {
        return (String) single("select requirement from org_user where user_id = ?", userId);
    }

    /** Waits (bounded) until every outbox row was relayed to Kafka. */
    /** Waits until the service recorded the event as processed (its effect committed in the same transaction). */
    public static void awaitProcessed(java.util.UUID eventId) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> count("select count(*) from processed_event where event_id = ?", eventId) > 0);
    }

    /**
     * The relay deletes outbox rows once sent (issue 16): from now on, every row written is also kept in
     * {@link OutboxHistory#TABLE}, which tests read for what was written.
     */
    public static void keepOutboxHistory() throws SQLException {
        try (Connection c = connect()) {
            OutboxHistory.install(c);
        }
    }

    public static void awaitOutboxDrained() {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> count("select count(*) from outbox_event where sent_at is null") == 0);
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
