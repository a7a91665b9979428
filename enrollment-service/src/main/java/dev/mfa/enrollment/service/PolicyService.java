package dev.mfa.enrollment.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.config.OrgAdminConfig;
import dev.mfa.enrollment.config.PolicyConfig;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.domain.PolicyState;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.AvailabilityRepository;
import dev.mfa.enrollment.repository.ImpactRepository;
import dev.mfa.enrollment.repository.OrgPolicyRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/** Org MFA policies: admin changes, the deadline event, and the policy every other part reads. */
@ApplicationScoped
public class PolicyService {

    private static final Logger LOG = Logger.getLogger(PolicyService.class);
    public static final int MAX_METHODS = 10;

    private final Outbox outbox;
    private final Clock clock;
    private final PolicyConfig config;
    private final RequirementService requirements;
    private final StepUpService stepUp;
    // Field-injected to keep the constructor as it is (other changes edit it).
    @jakarta.inject.Inject
    AvailabilityRepository availability;

    @jakarta.inject.Inject
    OrgAdminConfig orgAdmin;

    @jakarta.inject.Inject
    AuditRepository audit;

    @jakarta.inject.Inject
    ImpactRepository impact;

    @jakarta.inject.Inject
    OrgPolicyRepository orgPolicies;

    public PolicyService(
            Outbox outbox, Clock clock, PolicyConfig config, RequirementService requirements, StepUpService stepUp) {
        this.stepUp = stepUp;
        this.outbox = outbox;
        this.clock = clock;
        this.config = config;
        this.requirements = requirements;
    }

    public record PolicyView(
            String orgId,
            boolean enabled,
            Instant enforcementDeadline,
            PolicyState state,
            List<Method> allowedMethods,
            Instant updatedAt) {
        static PolicyView of(OrgPolicy p) {
            return new PolicyView(
                    p.orgId,
                    p.enabled,
                    p.enforcementDeadline,
                    p.state(),
                    p.methods(),
                    p.version == 0 ? null : p.updatedAt);
        }
    }

    /** A validated admin request. */
    public record PolicyInput(boolean enabled, Instant enforcementDeadline, boolean enforceNow, List<Method> methods) {}

    /** The policy, or the defaults (MFA off) for an org nobody configured. */
    @WithSession
    public Uni<OrgPolicy> find(String orgId) {
        return orgPolicies.findById(orgId).map(p -> p != null ? p : OrgPolicy.defaults(orgId, clock.instant()));
    }

    public Uni<PolicyView> view(String orgId) {
        return find(orgId).map(PolicyView::of);
    }

    /** Checks an admin's request; 422 naming the field for anything wrong. Nothing is read or written. */
    public PolicyInput validate(Boolean enabled, Instant deadline, List<String> allowedMethods) {
        if (enabled == null) {
            throw ProblemException.unprocessable("invalid-policy", "enabled is required (true or false).", "enabled");
        }
        List<Method> methods = new ArrayList<>();
        if (allowedMethods == null) {
            methods.addAll(OrgPolicy.ALL_METHODS);
        } else {
            if (allowedMethods.isEmpty() || allowedMethods.size() > MAX_METHODS) {
                throw ProblemException.unprocessable(
                        "invalid-policy", "allowedMethods must list at least one of TOTP, SMS.", "allowedMethods");
            }
            for (String name : allowedMethods) {
                Method m = Method.parse(name)
                        .orElseThrow(() -> ProblemException.unprocessable(
                                "invalid-policy", "allowedMethods may only contain TOTP and SMS.", "allowedMethods"));
                if (!methods.contains(m)) {
                    methods.add(m);
                }
            }
        }
        if (!enabled) {
            return new PolicyInput(false, null, false, methods);
        }
        if (deadline == null) {
            throw ProblemException.unprocessable(
                    "invalid-policy", "enforcementDeadline is required when MFA is enabled.", "enforcementDeadline");
        }
        Instant now = clock.instant();
        Instant truncated = deadline.truncatedTo(ChronoUnit.MILLIS);
        if (truncated.isBefore(now.minus(config.deadlineGrace()))) {
            throw ProblemException.unprocessable(
                    "deadline-in-past",
                    "enforcementDeadline is in the past; use the current time to enforce at once.",
                    "enforcementDeadline");
        }
        if (truncated.isAfter(now.plus(config.maxDeadlineAhead()))) {
            throw ProblemException.unprocessable(
                    "deadline-too-far", "enforcementDeadline is too far in the future.", "enforcementDeadline");
        }
        return new PolicyInput(true, truncated, !truncated.isAfter(now), methods);
    }

    /**
     * Applies a validated change, then switches the org's users to their new requirement. A change that lowers
     * protection needs the admin's step-up ({@code assertion}), decided against the locked current policy.
     */
    public Uni<PolicyView> update(String orgId, PolicyInput input, Caller admin, String assertion) {
        return apply(orgId, input, admin, assertion)
                .flatMap(change -> change.reason() == null
                        ? Uni.createFrom().item(change.view())
                        : requirements.reconcile(orgId, change.reason()).replaceWith(change.view()));
    }

    record Change(PolicyView view, String reason) {}

    @WithTransaction
    Uni<Change> apply(String orgId, PolicyInput input, Caller admin, String assertion) {
        return lockPolicy(orgId)
                .call(p -> requireAvailable(p, input))
                .call(p -> lowersProtection(p, input)
                        ? stepUp.authorizeAdmin(admin, assertion)
                        : Uni.createFrom().voidItem())
                .flatMap(p -> change(p, input, admin.userId()));
    }

    /** CONTRACT §3: disabling, a later deadline (or no longer enforced), a method added. */
    static boolean lowersProtection(OrgPolicy current, PolicyInput input) {
        if (!current.methods().containsAll(input.methods())) {
            return true;
        }
        if (!current.enabled) {
            return false;
        }
        if (!input.enabled()) {
            return true;
        }
        if (current.enforced && !input.enforceNow()) {
            return true;
        }
        return current.enforcementDeadline != null
                && input.enforcementDeadline() != null
                && input.enforcementDeadline().isAfter(current.enforcementDeadline);
    }

    /**
     * Turning MFA on (from off) needs the vendor's availability: 409 {@code mfa-not-available}. A policy that is on
     * already may still be changed or turned off after a withdrawal (turning it off behind the admin's back would
     * lower protection); Pay users need MFA whatever this says.
     */
    Uni<Void> requireAvailable(OrgPolicy current, PolicyInput input) {
        if (!input.enabled() || current.enabled) {
            return Uni.createFrom().voidItem();
        }
        return isAvailable(current.orgId)
                .invoke(available -> {
                    if (!available) {
                        throw ProblemException.conflict(
                                "mfa-not-available",
                                "MFA is not available to this organization "
                                        + "yet; ask your vendor contact to enable it.");
                    }
                })
                .replaceWithVoid();
    }

    /** Inside a session: the platform operators' decision, or the configured default for an org never decided on. */
    public Uni<Boolean> isAvailable(String orgId) {
        return availability.find(orgId).map(found -> found.orElse(orgAdmin.defaultAvailable()));
    }

    /** {@code POST .../mfa-policy/preview}: what {@link #update} would do to the org's users; changes nothing. */
    public record Preview(
            PolicyState state,
            long requiredNow,
            long requiredAtDeadline,
            long withoutFactor,
            long payees,
            long exempt,
            List<String> withoutFactorSample) {}

    @WithSession
    public Uni<Preview> preview(String orgId, PolicyInput input) {
        PolicyState state = !input.enabled()
                ? PolicyState.DISABLED
                : input.enforceNow() ? PolicyState.ENFORCED : PolicyState.EARLY_ENROLLMENT;
        return find(orgId)
                .call(p -> requireAvailable(p, input))
                .flatMap(p -> impact.impact(orgId, input.enabled(), input.enforceNow(), input.enforcementDeadline()))
                .flatMap(i -> impact.withoutFactorSample(
                                orgId,
                                input.enabled(),
                                input.enforceNow(),
                                input.enforcementDeadline(),
                                orgAdmin.previewSampleSize())
                        .map(sample -> new Preview(
                                state,
                                i.requiredNow(),
                                i.requiredAtDeadline(),
                                i.withoutFactor(),
                                i.payees(),
                                i.exempt(),
                                sample)));
    }

    private Uni<Change> change(OrgPolicy p, PolicyInput input, String actorId) {
        String orgId = p.orgId;
        Instant now = clock.instant();
        boolean wasEnabled = p.enabled;
        boolean wasEnforced = p.enforced;
        Instant oldDeadline = p.enforcementDeadline;
        String methods = OrgPolicy.join(input.methods());
        boolean same = p.enabled == input.enabled()
                && p.enforced == input.enforceNow()
                && java.util.Objects.equals(p.enforcementDeadline, input.enforcementDeadline())
                && p.allowedMethods.equals(methods);
        if (same) {
            return Uni.createFrom().item(new Change(PolicyView.of(p), null));
        }
        p.enabled = input.enabled();
        p.enforcementDeadline = input.enforcementDeadline();
        p.enforced = input.enforceNow();
        p.allowedMethods = methods;
        p.version += 1;
        p.updatedAt = now;
        String reason;
        if (wasEnabled == p.enabled && wasEnforced == p.enforced) {
            reason = null; // methods or a future deadline moved: nobody's requirement changes
            if (p.syncedVersion == p.version - 1) {
                p.syncedVersion = p.version; // else an unfinished switch is still owed: the resync job runs it
            }
        } else if (!p.enabled) {
            reason = "policy-disabled";
        } else if (p.enforced) {
            reason = "deadline-reached";
        } else if (wasEnforced) {
            reason = "deadline-moved";
        } else {
            reason = "policy-enabled";
        }
        LOG.infof(
                "org %s policy v%d: %s (deadline %s -> %s)",
                orgId, p.version, p.state(), oldDeadline, p.enforcementDeadline);
        return publish(p)
                .call(i -> audit.append(orgId, now, AuditTypes.POLICY_CHANGED, actorId, null, detail(p)))
                .replaceWith(new Change(PolicyView.of(p), reason));
    }

    /** The deadline event: enforce when it matches the current policy; true when the switch should run. */
    @WithTransaction
    public Uni<Boolean> deadlineReached(Events.DeadlineReached event) {
        return lockPolicy(event.orgId()).flatMap(p -> {
            if (!p.enabled
                    || p.enforcementDeadline == null
                    || event.enforcementDeadline() == null
                    || !p.enforcementDeadline
                            .truncatedTo(ChronoUnit.MILLIS)
                            .equals(event.enforcementDeadline().truncatedTo(ChronoUnit.MILLIS))) {
                LOG.infof("org %s: deadline event ignored, it no longer matches the policy", event.orgId());
                return Uni.createFrom().item(false);
            }
            if (p.enforced) {
                return Uni.createFrom().item(true); // enforced already (deadline set to now); the switch finds nothing
            }
            p.enforced = true;
            p.version += 1;
            p.updatedAt = clock.instant();
            return publish(p)
                    .call(i -> audit.append(p.orgId, p.updatedAt, AuditTypes.POLICY_CHANGED, null, null, detail(p)))
                    .replaceWith(true);
        });
    }

    /** Locks the org's policy row (created with the defaults if missing) for the rest of the transaction. */
    Uni<OrgPolicy> lockPolicy(String orgId) {
        return orgPolicies.lockForUpdate(orgId, clock.instant());
    }

    /** Roster changes share-lock the policy so that a concurrent policy change cannot miss a new user. */
    public Uni<OrgPolicy> sharePolicy(String orgId) {
        return orgPolicies.lockForShare(orgId, clock.instant());
    }

    private static java.util.Map<String, Object> detail(OrgPolicy p) {
        java.util.Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("state", p.state().name());
        detail.put("enforcementDeadline", p.enforcementDeadline == null ? null : p.enforcementDeadline.toString());
        detail.put("allowedMethods", p.methods().stream().map(Method::name).toList());
        detail.put("version", p.version);
        return detail;
    }

    private Uni<?> publish(OrgPolicy p) {
        return outbox.publish(
                Topics.ORG_POLICIES,
                new Events.OrgPolicyChanged(
                        p.orgId,
                        p.enabled,
                        p.enforcementDeadline,
                        p.state().name(),
                        p.methods().stream().map(Method::name).toList(),
                        p.version,
                        p.updatedAt));
    }
}
