package dev.mfa.enrollment.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.time.SqlInstants;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The org audit trail ({@code audit_event}, append-only). {@link #append} runs inside the transaction of the change it
 * records, so that a change and its record commit or roll back together. {@code detail} holds display values only.
 */
@ApplicationScoped
public class AuditRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Entry(Instant at, String type, String actorId, String userId, Map<String, Object> detail) {}

    public record Page(List<Entry> items, long total) {}

    /** Filters of a listing; any of from (inclusive), to (exclusive), userId may be null. */
    public record Filter(String orgId, Instant from, Instant to, String userId) {}

    /** Inside a transaction: one row; {@code actorId} null for the system (deadline, sweep, roster). */
    public Uni<Void> append(
            String orgId, Instant at, String type, String actorId, String userId, Map<String, ?> detail) {
        String json;
        try {
            json = JSON.writeValueAsString(detail == null ? Map.of() : detail);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit detail is not JSON", e);
        }
        // The parameter is typed text: a String bound where PostgreSQL infers jsonb would be stored as a JSON string.
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "insert into audit_event (org_id, at, type, "
                                        + "actor_id, user_id, detail) values (:org, :at, :type, :actor, :user, cast(cast(:detail as text) as jsonb))")
                        .setParameter("org", orgId)
                        .setParameter("at", at)
                        .setParameter("type", type)
                        .setParameter("actor", actorId)
                        .setParameter("user", userId)
                        .setParameter("detail", json)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** Newest first (ties: the later row first), one page. Only the filters given become conditions. */
    public Uni<Page> list(Filter filter, int page, int size) {
        StringBuilder where = new StringBuilder(" where org_id = :org");
        if (filter.from() != null) {
            where.append(" and at >= :from");
        }
        if (filter.to() != null) {
            where.append(" and at < :to");
        }
        if (filter.userId() != null) {
            where.append(" and user_id = :user");
        }
        return Panache.getSession()
                .flatMap(s -> bind(s.createNativeQuery("select count(*) from audit_event" + where, Long.class), filter)
                        .getSingleResult()
                        .flatMap(total -> bind(
                                        s.createNativeQuery(
                                                "select at, type, actor_id, user_id, cast(detail as text) "
                                                        + "from audit_event" + where + " order by at desc, id desc",
                                                Object[].class),
                                        filter)
                                .setFirstResult(page * size)
                                .setMaxResults(size)
                                .getResultList()
                                .map(rows -> new Page(
                                        rows.stream()
                                                .map(AuditRepository::entry)
                                                .toList(),
                                        total))));
    }

    private static <R> Mutiny.SelectionQuery<R> bind(Mutiny.SelectionQuery<R> query, Filter f) {
        query.setParameter("org", f.orgId());
        if (f.from() != null) {
            query.setParameter("from", f.from());
        }
        if (f.to() != null) {
            query.setParameter("to", f.to());
        }
        if (f.userId() != null) {
            query.setParameter("user", f.userId());
        }
        return query;
    }

    @SuppressWarnings("unchecked")
    private static Entry entry(Object[] row) {
        Map<String, Object> detail;
        try {
            detail = JSON.readValue((String) row[4], Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit detail is not JSON", e);
        }
        return new Entry(SqlInstants.of(row[0]), (String) row[1], (String) row[2], (String) row[3], detail);
    }
}
