package dev.mfa.verification.repository;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.verification.domain.Challenge;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.UUID;

/**
 * Sign-in challenges: SMS sends and purge. Every method runs in the caller's session/transaction; the opening of a
 * challenge and the verification of a code go through {@link ChallengeOpeningRepository} and
 * {@link VerificationRepository} instead.
 */
@ApplicationScoped
public class ChallengeRepository implements PanacheRepositoryBase<Challenge, UUID> {

    private final Outbox outbox;

    public ChallengeRepository(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The challenge, row-locked for this transaction; null when it does not exist. */
    public Uni<Challenge> lock(UUID challengeId) {
        return findById(challengeId, LockModeType.PESSIMISTIC_WRITE);
    }

    /** How many SMS sends there were in a window, and when the oldest of their challenges opened. */
    public record Recent(long count, Instant oldest) {}

    /** The SMS sent, resends included, from the user's challenges opened after {@code since}. */
    public Uni<Recent> smsSentSince(String userId, Instant since) {
        return recent("coalesce(sum(smsSends), 0)", " and smsSends > 0", userId, since);
    }

    private static Uni<Recent> recent(String count, String condition, String userId, Instant since) {
        return Panache.getSession()
                .flatMap(s -> s.createSelectionQuery(
                                "select " + count + ", min(createdAt) from Challenge where userId = :user "
                                        + "and createdAt > :since" + condition,
                                Object[].class)
                        .setParameter("user", userId)
                        .setParameter("since", since)
                        .getSingleResult())
                .map(row -> new Recent(((Number) row[0]).longValue(), (Instant) row[1]));
    }

    /** Writes the request for a sign-in SMS; the challenge's changes are flushed with the transaction. */
    public Uni<Void> smsRequested(Events.SmsRequested request) {
        return outbox.publish(Topics.SMS_REQUESTS, request).replaceWithVoid();
    }

    /** The code of {@code requestId} was not delivered: its open challenge may send again from {@code now}. */
    public Uni<Integer> liftSmsCooldown(UUID requestId, Instant now) {
        return update(
                "smsNextSendAt = ?1 where smsRequestId = ?2 and completedAt is null and smsNextSendAt > ?1",
                now,
                requestId);
    }

    /**
     * Codes already sent to a removed factor stop working: open challenges lose the code sent to {@code factorId},
     * or every code of the user when {@code factorId} is null (admin reset).
     */
    public Uni<Integer> clearOpenSmsCodes(String userId, UUID factorId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("update challenge set sms_code_hash = null, "
                                + "sms_code_expires_at = null where user_id = :user and completed_at is null "
                                + "and sms_code_hash is not null and (cast(:factor as uuid) is null "
                                + "or sms_factor_id is null or sms_factor_id = cast(:factor as uuid))")
                        .setParameter("user", userId)
                        .setParameter("factor", factorId == null ? null : factorId.toString())
                        .executeUpdate());
    }

    public Uni<Long> deleteExpiredBefore(Instant before) {
        return delete("expiresAt < ?1", before);
    }
}
