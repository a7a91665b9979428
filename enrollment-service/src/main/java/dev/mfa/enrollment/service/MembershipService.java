package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.domain.OrgUser;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Binds a caller's token to the org the platform knows the user in: the roster's org, or for a user the roster
 * does not know (yet), the org of their factors. A token naming another org is answered 404 (CONTRACT §2), so that
 * a token minted for one org cannot read or change the user's MFA of another.
 */
@ApplicationScoped
public class MembershipService {

    public Uni<Void> requireMember(Caller caller) {
        return Panache.withSession(() -> OrgUser.<OrgUser>findById(caller.userId())
                        .flatMap(user -> user != null
                                ? Uni.createFrom().item(user.orgId.equals(caller.orgId()) ? 0L : 1L)
                                : Factor.count("userId = ?1 and orgId <> ?2", caller.userId(), caller.orgId())))
                .map(mismatches -> {
                    if (mismatches > 0) {
                        throw ProblemException.notFound("No such user in this organization.");
                    }
                    return null;
                });
    }
}
