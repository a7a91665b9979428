package dev.mfa.enrollment.repository;

import dev.mfa.enrollment.domain.Enrollment;
import dev.mfa.enrollment.domain.Method;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Enrollment ceremonies (table {@code enrollment}). Every method runs in the caller's session or transaction. */
@ApplicationScoped
public class EnrollmentRepository implements PanacheRepositoryBase<Enrollment, UUID> {

    /** The user's enrollment {@code enrollmentId}, or null (also when it is another user's). */
    public Uni<Enrollment> findOwned(UUID enrollmentId, String userId) {
        return find("enrollmentId = ?1 and userId = ?2", enrollmentId, userId).firstResult();
    }

    /** Inside a transaction: the user's enrollment, row-locked for the rest of it; null when not theirs. */
    public Uni<Enrollment> lockOwned(UUID enrollmentId, String userId) {
        return findById(enrollmentId, LockModeType.PESSIMISTIC_WRITE)
                .map(e -> e == null || !e.userId.equals(userId) ? null : e);
    }

    /** Inside a transaction: cancels the user's pending enrollments of {@code method} (a new start replaces them). */
    public Uni<Integer> cancelPending(String userId, Method method) {
        return cancelPending(userId, method, null);
    }

    /** Inside a transaction: cancels every pending enrollment of the user (they left the roster). */
    public Uni<Integer> cancelAllPending(String userId) {
        return cancelPending(userId, null, null);
    }

    /** Inside a transaction: cancels the user's pending enrollments in {@code orgId} (an admin's reset). */
    public Uni<Integer> cancelPendingInOrg(String userId, String orgId) {
        return cancelPending(userId, null, orgId);
    }

    /**
     * The one "cancel pending" statement: cancelled ceremonies keep no secret, number or code hash. It row-locks the
     * pending rows, so a confirmation in progress (which holds its row) finishes first.
     */
    private Uni<Integer> cancelPending(String userId, Method method, String orgId) {
        Map<String, Object> params = new HashMap<>();
        params.put("cancelled", Enrollment.Status.CANCELLED);
        params.put("user", userId);
        params.put("pending", Enrollment.Status.PENDING);
        StringBuilder where = new StringBuilder("status = :cancelled, secret = null, phone = null, codeHash = null "
                + "where userId = :user and status = :pending");
        if (method != null) {
            where.append(" and method = :method");
            params.put("method", method);
        }
        if (orgId != null) {
            where.append(" and orgId = :org");
            params.put("org", orgId);
        }
        return update(where.toString(), params);
    }

    /**
     * Inside a transaction: the pending enrollment whose latest code is {@code smsRequestId} may resend at once (its
     * code was not delivered); how many changed (0 or 1). An older, replaced code matches nothing.
     */
    public Uni<Integer> allowResendNow(UUID smsRequestId, Instant now) {
        return update(
                "resendAvailableAt = ?1 where smsRequestId = ?2 and status = ?3 and resendAvailableAt > ?1",
                now,
                smsRequestId,
                Enrollment.Status.PENDING);
    }

    /** Inside a transaction: deletes the ceremonies created before {@code before}; how many. */
    public Uni<Long> deleteCreatedBefore(Instant before) {
        return delete("createdAt < ?1", before);
    }
}
