package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.domain.Factor;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Guards MFA changes: a fresh reauth token always; a recent MFA assertion as well when the user already has a
 * factor (so that a stolen session cannot add its own device, remove one, or take a new recovery code).
 */
@ApplicationScoped
public class StepUpService {

    private final ReauthService reauth;
    private final AssertionVerifier assertions;

    public StepUpService(ReauthService reauth, AssertionVerifier assertions) {
        this.reauth = reauth;
        this.assertions = assertions;
    }

    /** A fresh reauth token alone: for reading a pending secret (the QR code), which changes nothing. */
    @WithSession
    public Uni<Void> requireReauth(Caller caller, String reauthToken) {
        return reauth.requireToken(caller.userId(), reauthToken);
    }

    /**
     * An org admin's step-up (CONTRACT §3: a policy change that lowers protection, an MFA reset): the admin's own
     * recent assertion, 401 {@code step-up-required} otherwise; an admin without a factor cannot have one and is
     * told to enroll first (409 {@code enrollment-required}).
     */
    @WithSession
    public Uni<Void> authorizeAdmin(Caller admin, String assertion) {
        return Factor.count("userId = ?1 and status = ?2", admin.userId(), Factor.ACTIVE).invoke(count -> {
            if (count == 0) {
                throw ProblemException.conflict("enrollment-required",
                        "Set up a second factor for your own account first: this change needs it.");
            }
            try {
                assertions.verify(admin, assertion);
            } catch (ProblemException e) {
                throw ProblemException.unauthorized("step-up-required",
                        "This change needs a recent second-factor verification of your own (X-MFA-Assertion).");
            }
        }).replaceWithVoid();
    }

    /** True when an assertion was needed and verified (the user has a factor). */
    @WithSession
    public Uni<Boolean> authorize(Caller caller, String reauthToken, String assertion) {
        return reauth.requireToken(caller.userId(), reauthToken)
                .flatMap(ok -> Factor.count("userId = ?1 and status = ?2", caller.userId(), Factor.ACTIVE))
                .map(count -> {
                    if (count > 0) {
                        assertions.verify(caller, assertion);
                    }
                    return count > 0;
                });
    }
}
