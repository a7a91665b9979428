package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.repository.FactorRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
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

    private final OrgUserRepository users;
    private final FactorRepository factors;

    public MembershipService(OrgUserRepository users, FactorRepository factors) {
        this.users = users;
        this.factors = factors;
    }

    public Uni<Void> requireMember(Caller caller) {
        return Panache.withSession(() -> users.findById(caller.userId())
                        .flatMap(user -> user != null
                                ? Uni.createFrom().item(user.orgId.equals(caller.orgId()) ? 0L : 1L)
                                : factors.countOutsideOrg(caller.userId(), caller.orgId())))
                .map(mismatches -> {
                    if (mismatches > 0) {
                        throw ProblemException.notFound("No such user in this organization.");
                    }
                    return null;
                });
    }
}
