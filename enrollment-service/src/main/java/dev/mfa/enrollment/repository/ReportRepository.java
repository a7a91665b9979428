package dev.mfa.enrollment.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Aggregates of an org's enrollment, computed in the database. */
@ApplicationScoped
public class ReportRepository {

    /** One user of the report page (CONTRACT §3). */
    public record ReportUser(String userId, boolean enrolled, List<String> methods, String requirement) {}

    /** {total, enrolled}. */
    public Uni<long[]> totals(String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select count(*), count(*) filter (where exists "
                                        + "(select 1 from factor f where f.user_id = u.user_id)) "
                                        + "from org_user u where u.org_id = :org",
                                Object[].class)
                        .setParameter("org", orgId)
                        .getSingleResult())
                .map(row -> new long[] {((Number) row[0]).longValue(), ((Number) row[1]).longValue()});
    }

    /** Users with at least one active factor of each method. */
    public Uni<Map<String, Long>> byMethod(String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select f.method, count(distinct f.user_id) "
                                        + "from factor f join org_user u on u.user_id = f.user_id "
                                        + "where u.org_id = :org group by f.method order by f.method",
                                Object[].class)
                        .setParameter("org", orgId)
                        .getResultList())
                .map(rows -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    counts.put("TOTP", 0L);
                    counts.put("SMS", 0L);
                    rows.forEach(r -> counts.put((String) r[0], ((Number) r[1]).longValue()));
                    return counts;
                });
    }

    public Uni<List<ReportUser>> users(String orgId, int page, int size) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select u.user_id, u.requirement, "
                                        + "coalesce(string_agg(distinct f.method, ',' order by f.method), '') "
                                        + "from org_user u left join factor f on f.user_id = u.user_id "
                                        + "where u.org_id = :org group by u.user_id, u.requirement order by u.user_id",
                                Object[].class)
                        .setParameter("org", orgId)
                        .setFirstResult(page * size)
                        .setMaxResults(size)
                        .getResultList())
                .map(rows -> rows.stream()
                        .map(r -> {
                            List<String> methods =
                                    ((String) r[2]).isEmpty() ? List.of() : Arrays.asList(((String) r[2]).split(","));
                            return new ReportUser((String) r[0], !methods.isEmpty(), methods, (String) r[1]);
                        })
                        .toList());
    }
}
