package dev.mfa.enrollment.repository;

import dev.mfa.core.time.SqlInstants;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code mfa_exemption}: at most one per user; a user is exempt while the row exists (the sweep ends it). */
@ApplicationScoped
public class ExemptionRepository {

    public record Exemption(String userId, String orgId, Instant until, String reason, String grantedBy) {}

    /** Public for the test that runs it from two connections at once. */
    public static final String CLAIM_EXPIRED = "delete from mfa_exemption where user_id in ("
            + "select user_id from mfa_exemption where until <= :now order by until limit :limit "
            + "for update skip locked) returning user_id, org_id, until, reason, granted_by";

    /** Inside a transaction: the user's exemption in the org, row-locked so a sweep or a second grant waits. */
    public Uni<Optional<Exemption>> lock(String userId, String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select user_id, org_id, until, reason, "
                                        + "granted_by from mfa_exemption where user_id = :user and org_id = :org for update",
                                Object[].class)
                        .setParameter("user", userId)
                        .setParameter("org", orgId)
                        .getResultList())
                .map(rows -> rows.stream().map(ExemptionRepository::exemption).findFirst());
    }

    /** The user's exemption in the org, if any (no lock). */
    public Uni<Optional<Exemption>> find(String userId, String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select user_id, org_id, until, reason, "
                                        + "granted_by from mfa_exemption where user_id = :user and org_id = :org",
                                Object[].class)
                        .setParameter("user", userId)
                        .setParameter("org", orgId)
                        .getResultList())
                .map(rows -> rows.stream().map(ExemptionRepository::exemption).findFirst());
    }

    /** Inside a transaction: grants or replaces the user's exemption. */
    public Uni<Void> save(Exemption e, Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into mfa_exemption (user_id, org_id, "
                                + "until, reason, granted_by, granted_at) values (:user, :org, :until, :reason, :by, :now) "
                                + "on conflict (user_id) do update set org_id = excluded.org_id, until = excluded.until, "
                                + "reason = excluded.reason, granted_by = excluded.granted_by, granted_at = excluded.granted_at, "
                                + "ending_notice_at = null")
                        .setParameter("user", e.userId())
                        .setParameter("org", e.orgId())
                        .setParameter("until", e.until())
                        .setParameter("reason", e.reason())
                        .setParameter("by", e.grantedBy())
                        .setParameter("now", now)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** Inside a transaction: true when there was one to delete. */
    public Uni<Boolean> delete(String userId, String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("delete from mfa_exemption where user_id = :user and org_id = :org")
                        .setParameter("user", userId)
                        .setParameter("org", orgId)
                        .executeUpdate())
                .map(count -> count > 0);
    }

    /**
     * Inside a transaction: deletes up to {@code limit} exemptions whose end has come and returns them. Rows another
     * replica's sweep holds are skipped (SKIP LOCKED), and a deleted row is gone for everyone once this commits, so
     * each exemption ends exactly once.
     */
    public Uni<List<Exemption>> claimExpired(Instant now, int limit) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(CLAIM_EXPIRED, Object[].class)
                        .setParameter("now", now)
                        .setParameter("limit", limit)
                        .getResultList())
                .map(rows -> rows.stream().map(ExemptionRepository::exemption).toList());
    }

    /**
     * Inside a transaction: marks up to {@code limit} exemptions that end within {@code (now, before]} and whose
     * "ending" notice was not asked for yet, and returns them (SKIP LOCKED, as {@link #claimExpired}).
     */
    public Uni<List<Exemption>> claimEnding(Instant now, Instant before, int limit) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "update mfa_exemption set ending_notice_at = :now "
                                        + "where user_id in (select user_id from mfa_exemption where ending_notice_at is null "
                                        + "and until > :now and until <= :before order by until limit :limit for update skip locked) "
                                        + "returning user_id, org_id, until, reason, granted_by",
                                Object[].class)
                        .setParameter("now", now)
                        .setParameter("before", before)
                        .setParameter("limit", limit)
                        .getResultList())
                .map(rows -> rows.stream().map(ExemptionRepository::exemption).toList());
    }

    private static Exemption exemption(Object[] r) {
        return new Exemption((String) r[0], (String) r[1], SqlInstants.of(r[2]), (String) r[3], (String) r[4]);
    }
}
