package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.AvailabilityRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * MFA availability per org (CONTRACT §3 {@code PUT /orgs/{orgId}/mfa-availability}): the vendor's platform operators
 * grant or withdraw it; an org admin can turn MFA on only where it is available ({@link PolicyService}).
 */
@ApplicationScoped
public class AvailabilityService {

    public static final String GROUP_PLATFORM_OPERATOR = "platform-operator";
    private static final Logger LOG = Logger.getLogger(AvailabilityService.class);

    private final AvailabilityRepository availability;
    private final AuditRepository audit;
    private final PolicyService policies;
    private final Clock clock;

    public AvailabilityService(
            AvailabilityRepository availability, AuditRepository audit, PolicyService policies, Clock clock) {
        this.availability = availability;
        this.audit = audit;
        this.policies = policies;
        this.clock = clock;
    }

    public record AvailabilityView(String orgId, boolean available, Instant updatedAt) {}

    /**
     * The operator's id from the token; the token may carry no {@code org} (operators stand outside the orgs). Anyone
     * else gets 404 for another org's id and 403 for their own (CONTRACT §2).
     */
    public static String requireOperator(JsonWebToken jwt, String orgId) {
        String sub = jwt.getSubject();
        if (sub == null || sub.isBlank()) {
            throw ProblemException.unauthorized("invalid-token", "The token lacks the sub claim.");
        }
        if (jwt.getGroups() != null && jwt.getGroups().contains(GROUP_PLATFORM_OPERATOR)) {
            return sub;
        }
        Object org = jwt.getClaim("org");
        String callerOrg = org == null ? null : org.toString().replace("\"", "");
        if (!orgId.equals(callerOrg)) {
            throw ProblemException.notFound("No such organization.");
        }
        throw ProblemException.forbidden("platform-operator-required", "Only a platform operator may do this.");
    }

    /**
     * Records the decision (audited when it changes). The policy row is share-locked first, so that an admin turning
     * MFA on at the same moment either finishes before or sees the withdrawal.
     */
    @WithTransaction
    public Uni<AvailabilityView> set(String orgId, boolean available, String operatorId) {
        Instant now = clock.instant();
        return policies.sharePolicy(orgId)
                .flatMap(p -> availability.save(orgId, available, operatorId, now))
                .call(changed -> !changed
                        ? Uni.createFrom().voidItem()
                        : audit.append(
                                        orgId,
                                        now,
                                        AuditTypes.AVAILABILITY_CHANGED,
                                        operatorId,
                                        null,
                                        Map.of("available", available))
                                .invoke(() -> LOG.infof(
                                        "org %s: MFA availability set to %s by %s", orgId, available, operatorId)))
                .flatMap(changed -> availability.updatedAt(orgId))
                .map(at -> new AvailabilityView(orgId, available, at));
    }
}
