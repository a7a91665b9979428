package dev.mfa.enrollment.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.EnrollmentRepository;
import dev.mfa.enrollment.repository.FactorRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
import dev.mfa.enrollment.repository.ReportRepository;
import dev.mfa.enrollment.repository.ReportRepository.ReportUser;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Org admins: the enrollment report and the reset of a user who lost both device and recovery code. */
@ApplicationScoped
public class AdminService {

    private static final Logger LOG = Logger.getLogger(AdminService.class);

    private final ReportRepository reports;
    private final OrgUserRepository users;
    private final FactorRepository factorRows;
    private final EnrollmentRepository enrollments;
    private final AuditRepository audit;
    private final FactorService factors;
    private final AdminResetNotice notice;
    private final Clock clock;

    public AdminService(
            ReportRepository reports,
            OrgUserRepository users,
            FactorRepository factorRows,
            EnrollmentRepository enrollments,
            AuditRepository audit,
            FactorService factors,
            AdminResetNotice notice,
            Clock clock) {
        this.reports = reports;
        this.users = users;
        this.factorRows = factorRows;
        this.enrollments = enrollments;
        this.audit = audit;
        this.factors = factors;
        this.notice = notice;
        this.clock = clock;
    }

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
        return users.findById(userId)
                .flatMap(user -> factorRows.countInOrg(userId, orgId).flatMap(count -> {
                    boolean member = user != null ? user.orgId.equals(orgId) : count > 0;
                    if (!member) {
                        throw ProblemException.notFound("No such user in this organization.");
                    }
                    return enrollments.cancelPendingInOrg(userId, orgId);
                }))
                // Only what the user holds in the admin's org: another org's admin has no say over the rest.
                .flatMap(cancelled -> factors.removeAll(userId, orgId, FactorService.REASON_ADMIN_RESET))
                .call(removed -> audit.append(
                        orgId,
                        clock.instant(),
                        AuditTypes.MFA_RESET,
                        adminId,
                        userId,
                        Map.of("factorsRemoved", !removed.isEmpty())))
                // The removed factors are the e-mail's occasion (none: nothing is sent).
                .call(removed -> notice.reset(orgId, userId, removed))
                .invoke(removed -> LOG.infof("org %s: MFA reset for user %s", orgId, userId))
                .replaceWithVoid();
    }
}
