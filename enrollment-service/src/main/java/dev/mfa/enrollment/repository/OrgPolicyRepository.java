package dev.mfa.enrollment.repository;

import dev.mfa.enrollment.domain.OrgPolicy;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;

/** Org MFA policies (table {@code org_policy}). Every method runs in the caller's session or transaction. */
@ApplicationScoped
public class OrgPolicyRepository implements PanacheRepositoryBase<OrgPolicy, String> {

    /** Inside a transaction: the org's policy row (created with the defaults if missing), locked exclusively. */
    public Uni<OrgPolicy> lockForUpdate(String orgId, Instant now) {
        return ensureRow(orgId, now).flatMap(i -> findById(orgId, LockModeType.PESSIMISTIC_WRITE));
    }

    /** Inside a transaction: as above, share-locked (roster changes: a policy change cannot miss a new user). */
    public Uni<OrgPolicy> lockForShare(String orgId, Instant now) {
        return ensureRow(orgId, now).flatMap(i -> findById(orgId, LockModeType.PESSIMISTIC_READ));
    }

    private Uni<Integer> ensureRow(String orgId, Instant now) {
        OrgPolicy d = OrgPolicy.defaults(orgId, now);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into org_policy (org_id, enabled, "
                                + "enforcement_deadline, enforced, allowed_methods, version, synced_version, updated_at) "
                                + "values (:org, false, null, false, :methods, 0, 0, :now) on conflict do nothing")
                        .setParameter("org", orgId)
                        .setParameter("methods", d.allowedMethods)
                        .setParameter("now", d.updatedAt)
                        .executeUpdate());
    }

    /** Inside a transaction: every user of the org now has the requirement of policy {@code version}. */
    public Uni<Integer> markSynced(String orgId, long version) {
        return update("syncedVersion = ?1 where orgId = ?2 and syncedVersion < ?1", version, orgId);
    }

    /** Policies changed before {@code changedBefore} whose switch of the users never finished (a crash). */
    public Uni<List<OrgPolicy>> unsyncedChangedBefore(Instant changedBefore) {
        return list("syncedVersion < version and updatedAt < ?1", changedBefore);
    }
}
