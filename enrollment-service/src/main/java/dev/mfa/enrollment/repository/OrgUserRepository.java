package dev.mfa.enrollment.repository;

import dev.mfa.enrollment.domain.OrgUser;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

/** The org rosters (table {@code org_user}). Every method runs in the caller's session or transaction. */
@ApplicationScoped
public class OrgUserRepository implements PanacheRepositoryBase<OrgUser, String> {

    /** Inside a transaction: the user's roster row, row-locked for the rest of it; null when not on a roster. */
    public Uni<OrgUser> lock(String userId) {
        return findById(userId, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Inside a transaction: deletes the roster row by a statement run at once (so its row lock is taken here, in
     * the order the caller chose, not at the flush), then detaches it.
     */
    public Uni<Void> deleteNow(OrgUser user) {
        return delete("userId", user.userId)
                .call(deleted -> FactorRepository.detach(user))
                .replaceWithVoid();
    }
}
