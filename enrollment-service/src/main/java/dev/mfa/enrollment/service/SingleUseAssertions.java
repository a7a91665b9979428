package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.repository.AssertionUseRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * CONTRACT §4: at enrollment-service an assertion authorises at most one change (issue 15 #13). Its {@code jti} is
 * remembered in the change's own transaction, so a change that fails (and rolls back) does not use it up; a second
 * change with it gets the answer of an invalid assertion, so the caller (the web edge too) asks for a new second step.
 */
@ApplicationScoped
public class SingleUseAssertions {

    private static final Logger LOG = Logger.getLogger(SingleUseAssertions.class);

    private final AssertionUseRepository uses;
    private final Clock clock;

    public SingleUseAssertions(AssertionUseRepository uses, Clock clock) {
        this.uses = uses;
        this.clock = clock;
    }

    /** Inside the change's transaction: takes the assertion for this change, or 401 if it authorised one already. */
    public Uni<Void> spend(Caller caller, AssertionVerifier.Verified assertion) {
        return uses.claim(assertion.jti(), caller.userId(), clock.instant(), assertion.expiresAt())
                .map(fresh -> {
                    if (!fresh) {
                        throw used(caller);
                    }
                    return null;
                });
    }

    /** Needs a session: 401 if the assertion authorised a change already (checked before anything is counted). */
    public Uni<Void> requireUnused(Caller caller, AssertionVerifier.Verified assertion) {
        return uses.used(assertion.jti()).map(used -> {
            if (used) {
                throw used(caller);
            }
            return null;
        });
    }

    private static ProblemException used(Caller caller) {
        LOG.infof("user %s presented an assertion that already authorised a change", caller.userId());
        return ProblemException.unauthorized(
                "mfa-assertion-invalid",
                "This second-factor verification was already used for a change. Verify again.");
    }
}
