package dev.mfa.enrollment.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * The impact preview of a policy change, counted in one pass over the org's roster in the database (reads only).
 * Keep in step with {@code RequirementRepository.TARGET}: Pay users are always required; an exempt user is required
 * at the deadline only when the exemption ends by then.
 */
@ApplicationScoped
public class ImpactRepository {

    /** What the change would do to the org's users. */
    public record Impact(long requiredNow, long requiredAtDeadline, long withoutFactor, long payees, long exempt) {}

    /**
     * One row per user: Pay or not, exempt until when, has an active factor; {@code :enabled}, {@code :enforced} and
     * {@code :deadline} describe the policy as the change would leave it.
     */
    private static final String USERS = "with u as ("
            + " select u.user_id, u.pay is not null as pay, x.until as exempt_until,"
            + " exists (select 1 from factor f where f.user_id = u.user_id) as has_factor"
            + " from org_user u left join mfa_exemption x on x.user_id = u.user_id and x.org_id = u.org_id"
            + " where u.org_id = :org"
            + "), r as ("
            + " select user_id, pay, has_factor, not pay and exempt_until is not null as exempt,"
            + " pay or (:enforced and exempt_until is null) as required_now,"
            + " pay or (:enabled and (exempt_until is null or exempt_until <= :deadline)) as required_at_deadline"
            + " from u)";

    public Uni<Impact> impact(String orgId, boolean enabled, boolean enforced, Instant deadline) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                USERS + " select"
                                        + " count(*) filter (where required_now),"
                                        + " count(*) filter (where required_at_deadline),"
                                        + " count(*) filter (where required_at_deadline and not has_factor),"
                                        + " count(*) filter (where pay),"
                                        + " count(*) filter (where exempt) from r",
                                Object[].class)
                        .setParameter("org", orgId)
                        .setParameter("enabled", enabled)
                        .setParameter("enforced", enforced)
                        .setParameter("deadline", deadline(deadline))
                        .getSingleResult())
                .map(r -> new Impact(n(r[0]), n(r[1]), n(r[2]), n(r[3]), n(r[4])));
    }

    /** The first {@code limit} (by user id) of the users who would be required at the deadline without a factor. */
    public Uni<List<String>> withoutFactorSample(
            String orgId, boolean enabled, boolean enforced, Instant deadline, int limit) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                USERS + " select user_id from r"
                                        + " where required_at_deadline and not has_factor order by user_id limit :limit",
                                String.class)
                        .setParameter("org", orgId)
                        .setParameter("enabled", enabled)
                        .setParameter("enforced", enforced)
                        .setParameter("deadline", deadline(deadline))
                        .setParameter("limit", limit)
                        .getResultList());
    }

    /** MFA off: no deadline; a far date keeps the parameter typed (the enabled flag decides anyway). */
    private static Instant deadline(Instant deadline) {
        return deadline != null ? deadline : Instant.parse("9999-12-31T00:00:00Z");
    }

    private static long n(Object value) {
        return ((Number) value).longValue();
    }
}
