package dev.mfa.enrollment.repository;

import dev.mfa.core.time.SqlInstants;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code org_availability}: whether the vendor made MFA available to an org (no row: the configured default). */
@ApplicationScoped
public class AvailabilityRepository {

    /** The recorded decision, if any. */
    public Uni<Optional<Boolean>> find(String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select available from org_availability where org_id = :org", Boolean.class)
                        .setParameter("org", orgId)
                        .getResultList())
                .map((List<Boolean> rows) -> rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0)));
    }

    /** Inside a transaction: records the decision; true when it differs from what was recorded. */
    public Uni<Boolean> save(String orgId, boolean available, String operatorId, Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "insert into org_availability (org_id, available, "
                                        + "updated_by, updated_at) values (:org, :available, :by, :now) on conflict (org_id) do "
                                        + "update set available = excluded.available, updated_by = excluded.updated_by, "
                                        + "updated_at = excluded.updated_at where org_availability.available <> excluded.available")
                        .setParameter("org", orgId)
                        .setParameter("available", available)
                        .setParameter("by", operatorId)
                        .setParameter("now", now)
                        .executeUpdate())
                .map(count -> count > 0);
    }

    /** When the recorded decision last changed (null without a row). */
    public Uni<Instant> updatedAt(String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select updated_at from org_availability where org_id = :org", Object.class)
                        .setParameter("org", orgId)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : SqlInstants.of(rows.get(0)));
    }
}
