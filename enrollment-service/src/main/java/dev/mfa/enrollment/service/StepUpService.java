package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.repository.FactorRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Guards MFA changes: a fresh reauth token always; a recent MFA assertion as well when the user already has a
 * factor (so that a stolen session cannot add its own device, remove one, or take a new recovery code). An assertion
 * authorises one change only ({@link SingleUseAssertions}): it is spent in the change's own transaction.
 */
@ApplicationScoped
public class StepUpService {

    private final ReauthService reauth;
    private final AssertionVerifier assertions;
    private final SingleUseAssertions singleUse;
    private final FactorRepository factors;

    public StepUpService(
            ReauthService reauth,
            AssertionVerifier assertions,
            SingleUseAssertions singleUse,
            FactorRepository factors) {
        this.reauth = reauth;
        this.factors = factors;
        this.assertions = assertions;
        this.singleUse = singleUse;
    }

    /** A fresh reauth token alone: for reading a pending secret (the QR code), which changes nothing. */
    @WithSession
    public Uni<Void> requireReauth(Caller caller, String reauthToken) {
        return reauth.requireToken(caller.userId(), reauthToken);
    }

    /**
     * An org admin's step-up (CONTRACT §3: a policy change that lowers protection, an MFA reset): the admin's own
     * recent assertion, 401 {@code step-up-required} otherwise; an admin without a factor cannot have one and is
     * told to enroll first (409 {@code enrollment-required}). Call it inside the change's transaction: the assertion is
     * spent there, and an assertion spent before answers {@code step-up-required} too.
     */
    @WithSession
    public Uni<Void> authorizeAdmin(Caller admin, String assertion) {
        return factors.countOfUser(admin.userId())
                .map(count -> {
                    if (count == 0) {
                        throw ProblemException.conflict(
                                "enrollment-required",
                                "Set up a second factor for your own account first: this change needs it.");
                    }
                    try {
                        return assertions.verify(admin, assertion);
                    } catch (ProblemException e) {
                        throw stepUpRequired();
                    }
                })
                .flatMap(verified -> singleUse
                        .spend(admin, verified)
                        .onFailure(ProblemException.class)
                        .transform(e -> stepUpRequired()));
    }

    /** {@link #authorizeAdmin(Caller, String)}, then {@code change}, in one transaction. */
    public <T> Uni<T> authorizeAdmin(Caller admin, String assertion, Supplier<Uni<T>> change) {
        return Panache.withTransaction(() -> authorizeAdmin(admin, assertion).flatMap(i -> change.get()));
    }

    private static ProblemException stepUpRequired() {
        return ProblemException.unauthorized(
                "step-up-required",
                "This change needs a recent second-factor verification of your own (X-MFA-Assertion).");
    }

    /**
     * Checks the reauth token and, when the user has a factor, the assertion, then runs {@code change} (told whether
     * an assertion was needed) in the same transaction, which spends the assertion: a change that fails leaves it
     * unspent, a second change with it is refused.
     */
    public <T> Uni<T> authorize(Caller caller, String reauthToken, String assertion, Function<Boolean, Uni<T>> change) {
        return Panache.withTransaction(() -> reauth.requireToken(caller.userId(), reauthToken)
                .flatMap(ok -> factors.countOfUser(caller.userId()))
                .flatMap(count -> count == 0
                        ? change.apply(false)
                        : singleUse
                                .spend(caller, assertions.verify(caller, assertion))
                                .flatMap(i -> change.apply(true))));
    }
}
