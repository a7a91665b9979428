package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.enrollment.domain.Enrollment;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.repository.ReportRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Org admins: the enrollment report and the reset of a user who lost both device and recovery code. */
@ApplicationScoped
public class AdminService {

    private static final Logger LOG = Logger.getLogger(AdminService.class);

    private final ReportRepository reports;
    private final FactorService factors;
    private final AdminResetNotice notice;
    // The org audit trail (issue 18); field-injected to keep the constructor as it is.
    @jakarta.inject.Inject
    dev.mfa.enrollment.repository.AuditRepository audit;

    @jakarta.inject.Inject
    java.time.Clock clock;

    public AdminService(ReportRepository reports, FactorService factors, AdminResetNotice notice) {
        this.reports = reports;
        this.factors = factors;
        this.notice = notice;
    }

    public record ReportUser(String userId, boolean enrolled, List<String> methods, String requirement) {}

    public record Report(
            long total,
            long enrolled,
            long notEnrolled,
            Map<String, Long> byMethod,
            int page,
            int size,
            List<ReportUser> users) {}

    @WithSession
    public Uni<Report> report(String orgId, int page, int size) {
        return reports.totals(orgId)
                .flatMap(totals -> reports.byMethod(orgId)
                        .flatMap(byMethod -> reports.users(orgId, page, size)
                                .map(users -> new Report(
                                        totals[0], totals[1], totals[0] - totals[1], byMethod, page, size, users))));
    }

    /**
     * Removes the user's factors and recovery code (reason {@code admin-reset}); 404 for a user of another org.
     * Locks in the order enrollment confirmation uses (pending enrollments, then factors, then the recovery code), so
     * that a reset racing a confirmation or another reset waits instead of deadlocking, and the one that comes second
     * finds nothing left to remove.
     */
    public Uni<Void> reset(String orgId, String userId) {
        return reset(orgId, userId, null);
    }

    /** As above, recorded in the org's audit trail with the admin as actor. */
    @WithTransaction
    public Uni<Void> reset(String orgId, String userId, String adminId) {
        return OrgUser.<OrgUser>findById(userId)
                .flatMap(user -> Factor.count("userId = ?1 and orgId = ?2", userId, orgId)
                        .flatMap(count -> {
                            boolean member = user != null ? user.orgId.equals(orgId) : count > 0;
                            if (!member) {
                                throw ProblemException.notFound("No such user in this organization.");
                            }
                            return Enrollment.update(
                                    "status = ?1, secret = null, phone = null, codeHash = null "
                                            + "where userId = ?2 and orgId = ?3 and status = ?4",
                                    Enrollment.Status.CANCELLED,
                                    userId,
                                    orgId,
                                    Enrollment.Status.PENDING);
                        }))
                // The factors the reset is about to remove (locked as removeAll locks them): the e-mail's occasion.
                .flatMap(cancelled -> factors.lockActive(userId))
                // Only what the user holds in the admin's org: another org's admin has no say over the rest.
                .flatMap(active -> factors.removeAll(userId, orgId, FactorService.REASON_ADMIN_RESET)
                        .call(removed -> audit.append(
                                orgId,
                                clock.instant(),
                                AuditTypes.MFA_RESET,
                                adminId,
                                userId,
                                Map.of("factorsRemoved", removed)))
                        .call(removed -> removed
                                ? notice.reset(
                                        orgId,
                                        userId,
                                        active.stream()
                                                .filter(f -> orgId.equals(f.orgId))
                                                .toList())
                                : Uni.createFrom().voidItem()))
                .invoke(removed -> LOG.infof("org %s: MFA reset for user %s", orgId, userId))
                .replaceWithVoid();
    }
}
