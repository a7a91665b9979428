package dev.mfa.scheduler.repository;

import dev.mfa.core.time.SqlInstants;
import dev.mfa.scheduler.domain.DeadlineTrigger;
import dev.mfa.scheduler.domain.TriggerKind;
import dev.mfa.scheduler.domain.TriggerOutcome;
import dev.mfa.scheduler.domain.TriggerPlan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Trigger rows: native SQL where locking or bulk updates matter. Every method runs in the caller's transaction. */
@ApplicationScoped
public class DeadlineTriggerRepository {

    private static final String INSERT = "insert into deadline_trigger (event_id, org_id, enforcement_deadline, kind, "
            + "days_left, fire_at, created_at) values (:eventId, :orgId, :deadline, :kind, :daysLeft, :fireAt, :now) "
            + "on conflict do nothing";

    /**
     * Due and still pending, in due order; rows another transaction holds are skipped, so concurrent claimers (threads
     * or replicas) never get the same row. A reminder is stale when its deadline is due too, or when a later reminder
     * of the same deadline is due (fired or not): both depend only on the rows' times, so every claimer decides alike.
     */
    private static final String CLAIM = "select t.id, t.event_id, t.org_id, t.enforcement_deadline, t.kind, "
            + "t.days_left, t.fire_at, (t.kind = 'APPROACHING' and (t.enforcement_deadline <= :now or exists ("
            + "  select 1 from deadline_trigger later where later.org_id = t.org_id"
            + "  and later.enforcement_deadline = t.enforcement_deadline and later.kind = 'APPROACHING'"
            + "  and later.fire_at > t.fire_at and later.fire_at <= :now))) as stale "
            + "from deadline_trigger t where t.fired_at is null and t.fire_at <= :now "
            + "order by t.fire_at, t.id limit :limit for update of t skip locked";

    /** Replaces the org's pending triggers by {@code planned}; fired ones stay (and are not planned twice). */
    public Uni<Void> replacePending(String orgId, Instant deadline, List<TriggerPlan.Planned> planned, Instant now) {
        return deletePending(orgId).flatMap(ignored -> insertAll(orgId, deadline, planned, 0, now));
    }

    private Uni<Void> insertAll(
            String orgId, Instant deadline, List<TriggerPlan.Planned> planned, int index, Instant now) {
        if (index == planned.size()) {
            return Uni.createFrom().voidItem();
        }
        TriggerPlan.Planned p = planned.get(index);
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(INSERT)
                        .setParameter("eventId", p.eventId())
                        .setParameter("orgId", orgId)
                        .setParameter("deadline", deadline)
                        .setParameter("kind", p.kind().name())
                        .setParameter("daysLeft", p.daysLeft())
                        .setParameter("fireAt", p.fireAt())
                        .setParameter("now", now)
                        .executeUpdate())
                .flatMap(ignored -> insertAll(orgId, deadline, planned, index + 1, now));
    }

    /** Drops what has not fired yet (MFA turned off, deadline moved). Blocks on rows a claim holds until it commits. */
    public Uni<Integer> deletePending(String orgId) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "delete from deadline_trigger where org_id = :orgId and fired_at is null")
                        .setParameter("orgId", orgId)
                        .executeUpdate());
    }

    /** Locks up to {@code limit} due triggers until the transaction ends. */
    public Uni<List<DueTrigger>> claimDue(Instant now, int limit) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(CLAIM, Object[].class)
                        .setParameter("now", now)
                        .setParameter("limit", limit)
                        .getResultList())
                .map(rows -> {
                    List<DueTrigger> due = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        due.add(new DueTrigger(
                                ((Number) r[0]).longValue(),
                                (UUID) r[1],
                                (String) r[2],
                                SqlInstants.of(r[3]),
                                TriggerKind.valueOf((String) r[4]),
                                ((Number) r[5]).intValue(),
                                SqlInstants.of(r[6]),
                                (Boolean) r[7]));
                    }
                    return due;
                });
    }

    /** Marks claimed triggers done; the claim's locks make this the only writer of these rows. */
    public Uni<Integer> markDone(Collection<Long> ids, TriggerOutcome outcome, Instant now) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "update deadline_trigger set fired_at = :now, outcome = :outcome where id in (:ids)")
                        .setParameter("now", now)
                        .setParameter("outcome", outcome.name())
                        .setParameter("ids", ids)
                        .executeUpdate());
    }

    /** Deadlines that have not fired yet (MFA on, deadline set). */
    public Uni<Long> countPendingDeadlines() {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "select count(*) from deadline_trigger where kind = 'REACHED' and fired_at is null",
                                Long.class)
                        .getSingleResult());
    }

    public Uni<List<DeadlineTrigger>> listByOrg(String orgId) {
        return Panache.getSession()
                .flatMap(session -> session.createSelectionQuery(
                                "from DeadlineTrigger where orgId = :orgId order by fireAt, id", DeadlineTrigger.class)
                        .setParameter("orgId", orgId)
                        .getResultList());
    }
}
