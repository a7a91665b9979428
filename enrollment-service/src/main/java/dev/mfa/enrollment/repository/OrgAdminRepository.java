package dev.mfa.enrollment.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Who is an org admin of which org, as {@code identity.users} last said (table {@code org_admin}). */
@ApplicationScoped
public class OrgAdminRepository {

    /** Inside the consumer's transaction: records the user as an admin of {@code orgId}, or forgets them. */
    public Uni<Void> set(String userId, String orgId, boolean admin, Instant at) {
        if (!admin) {
            return remove(userId);
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into org_admin (user_id, org_id, "
                                + "updated_at) values (:user, :org, :at) on conflict (user_id) do update set "
                                + "org_id = excluded.org_id, updated_at = excluded.updated_at")
                        .setParameter("user", userId)
                        .setParameter("org", orgId)
                        .setParameter("at", at)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** Inside the consumer's transaction. */
    public Uni<Void> remove(String userId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("delete from org_admin where user_id = :user")
                        .setParameter("user", userId)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** The admins of {@code orgId}, by user id. Needs a session. */
    public Uni<List<String>> adminsOf(String orgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select user_id from org_admin where org_id = :org order by user_id", String.class)
                        .setParameter("org", orgId)
                        .getResultList());
    }
}
