package dev.mfa.scheduler.repository;

import dev.mfa.scheduler.domain.OrgDeadline;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;

/** Org deadline rows. Every method runs in the caller's transaction. */
@ApplicationScoped
public class OrgDeadlineRepository {

    /**
     * The org's row, locked until the transaction ends; created (with {@link OrgDeadline#NO_VERSION}, MFA off) if
     * missing. The insert-if-absent makes two replicas racing on a new org's first events wait instead of failing.
     */
    public Uni<OrgDeadline> lockOrCreate(String orgId, Instant now) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "insert into org_deadline (org_id, policy_version, enabled, received_at) "
                                        + "values (:orgId, :version, false, :now) on conflict do nothing")
                        .setParameter("orgId", orgId)
                        .setParameter("version", OrgDeadline.NO_VERSION)
                        .setParameter("now", now)
                        .executeUpdate())
                .flatMap(ignored -> Panache.getSession())
                .flatMap(session -> session.find(OrgDeadline.class, orgId, LockModeType.PESSIMISTIC_WRITE));
    }

    public Uni<OrgDeadline> find(String orgId) {
        return Panache.getSession().flatMap(session -> session.find(OrgDeadline.class, orgId));
    }
}
