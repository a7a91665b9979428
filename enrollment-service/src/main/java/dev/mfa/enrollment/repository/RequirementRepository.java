package dev.mfa.enrollment.repository;

import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * Set-based requirement switch: one statement recomputes the requirement of a key range of an org's users from
 * the org's current policy, updates only the rows that change, and writes their {@code mfa.user-requirement.changed}
 * CloudEvents to the outbox as one batched row (JSON built in SQL), so that no user row travels through the
 * application.
 */
@ApplicationScoped
public class RequirementRepository {

    /** Keep in step with {@code OrgPolicy.requirementFor}; exempt users stay OPTIONAL (the sweep ends that). */
    static final String TARGET = "case when u.pay is not null then 'REQUIRED' "
            + "when not coalesce(p.enabled, false) then 'NOT_REQUIRED' "
            + "when p.enforced and not exists (select 1 from mfa_exemption x where x.user_id = u.user_id"
            + " and x.org_id = u.org_id) then 'REQUIRED' else 'OPTIONAL' end";

    /**
     * {@code %1$s}: the upper bound of the key range, or nothing for the last range. The previous requirement is
     * copied into {@code previous_requirement} by the same UPDATE (SET sees the old row), so that RETURNING can report
     * it without joining org_user to itself.
     */
    private static final String SWITCH = "with changed as ("
            + " update org_user u set previous_requirement = u.requirement, requirement = " + TARGET + ","
            + " updated_at = :now"
            // A one-row derived table: the org may have no policy row at all (then NOT_REQUIRED).
            + " from (select true as found) one left join org_policy p on p.org_id = :org"
            + " where u.org_id = :org and u.user_id > :after %1$s and u.requirement <> " + TARGET
            + " returning u.user_id, u.org_id, u.previous_requirement as previous, u.requirement,"
            + " case when u.pay is not null then 'pay-user' else cast(:reason as varchar) end as reason"
            + "), batch as ("
            // One batched outbox row (mfa-core OutboxBatches) per range: the relay sends one record per event.
            + " " + Outbox.INSERT_BATCHED_ROWS
            + " select gen_random_uuid(), cast(:topic as varchar), min(e.user_id), cast(:type as varchar),"
            + " '[' || string_agg(cast("
            + Outbox.envelopeSql(
                    "source",
                    "type",
                    "time",
                    "e.user_id",
                    "json_build_object('userId', e.user_id, 'orgId', e.org_id, 'requirement', e.requirement,"
                            + " 'previous', e.previous, 'reason', e.reason)")
            + " as text),"
            + " ',' order by e.user_id) || ']', :now, true, count(*) from changed e having count(*) > 0"
            + " returning event_count"
            + ") select cast(coalesce(sum(event_count), 0) as integer) from batch";

    /**
     * Inside a switch transaction, before its statement: share-locks the org's policy row, so that an exemption being
     * granted (which holds it exclusively) commits before the statement takes its snapshot and is seen by it.
     */
    public Uni<Void> holdPolicy(String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select 1 from org_policy where org_id = :org for share", Integer.class)
                        .setParameter("org", orgId)
                        .getResultList())
                .replaceWithVoid();
    }

    /** The last user id of the next range of {@code size} users after {@code after}; null when fewer remain. */
    public Uni<String> rangeEnd(String orgId, String after, int size) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select user_id from org_user where org_id = :org and user_id > :after order by user_id "
                                        + "offset :skip limit 1",
                                String.class)
                        .setParameter("org", orgId)
                        .setParameter("after", after)
                        .setParameter("skip", size - 1)
                        .getResultList())
                .map((List<String> ids) -> ids.isEmpty() ? null : ids.get(0));
    }

    /** Switches users in {@code (after, upTo]} ({@code upTo} null: to the end); returns how many changed. */
    public Uni<Integer> switchRange(
            String orgId, String after, String upTo, String reason, String source, Instant now) {
        String sql = String.format(SWITCH, upTo == null ? "" : "and u.user_id <= :upTo");
        return Panache.getSession().flatMap(s -> {
            var query = s.createNativeQuery(sql, Integer.class)
                    .setParameter("org", orgId)
                    .setParameter("after", after)
                    .setParameter("reason", reason)
                    .setParameter("now", now)
                    .setParameter("topic", Topics.USER_REQUIREMENTS)
                    .setParameter("type", EventTypes.USER_REQUIREMENT_CHANGED)
                    .setParameter("source", source)
                    .setParameter("time", now.toString());
            if (upTo != null) {
                query.setParameter("upTo", upTo);
            }
            return query.getSingleResult();
        });
    }
}
