package dev.mfa.notification;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.localstack.testing.OutboxHistory;
import dev.mfa.localstack.testing.PostgresTestResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads of a channel's request rows and status events, straight from the database, for both channels' fixtures. */
final class QueueRows {

    private QueueRows() {}

    /** {@code columns} of the request's row in {@code table}, or empty. */
    static Optional<Map<String, Object>> row(String table, String columns, UUID requestId) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps =
                        c.prepareStatement("select " + columns + " from " + table + " where request_id = ?")) {
            ps.setObject(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    m.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return Optional.of(m);
            }
        }
    }

    /**
     * The relay deletes outbox rows once sent (issue 16): from now on every row written is also kept in
     * {@link OutboxHistory#TABLE}, which {@link #statusEvents} reads. Call it before the action whose events are read.
     */
    static void keepOutboxHistory() throws SQLException {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE)) {
            OutboxHistory.install(c);
        }
    }

    /** Events on {@code topic} the service wrote to its outbox for a request, oldest first: type → data. */
    static List<Map.Entry<String, JsonNode>> statusEvents(String topic, UUID requestId) throws Exception {
        List<Map.Entry<String, JsonNode>> events = new ArrayList<>();
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement("select payload from " + OutboxHistory.TABLE
                        + " where topic = ? and payload like ? order by seq")) {
            ps.setString(1, topic);
            ps.setString(2, "%" + requestId + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    CloudEvent e = SmsFixtures.CODEC.decode(rs.getString(1));
                    events.add(Map.entry(e.type(), e.data()));
                }
            }
        }
        return events;
    }
}
