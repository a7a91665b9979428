package dev.mfa.verification.domain;

import dev.mfa.core.problem.ProblemException;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** A sign-in second step in progress. */
@Entity
@Table(name = "challenge")
public class Challenge {

    @Id
    @Column(name = "challenge_id")
    public UUID challengeId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    /** Comma-separated {@link Method} names offered at creation. */
    @Column(nullable = false)
    public String methods;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "sms_code_hash")
    public String smsCodeHash;

    @Column(name = "sms_code_expires_at")
    public Instant smsCodeExpiresAt;

    @Column(name = "sms_sends", nullable = false)
    public int smsSends;

    @Column(name = "sms_next_send_at")
    public Instant smsNextSendAt;

    /** The SMS factor the current code went to: the code is valid only while that factor exists. */
    @Column(name = "sms_factor_id")
    public UUID smsFactorId;

    /** The latest {@code mfa.sms.requested} of this challenge (its {@code requestId}). */
    @Column(name = "sms_request_id")
    public UUID smsRequestId;

    public static String join(List<Method> methods) {
        return methods.stream().map(Enum::name).collect(Collectors.joining(","));
    }

    /** Whether {@code method} was offered when the challenge was opened. */
    public boolean offers(Method method) {
        for (String m : methods.split(",")) {
            if (m.trim().equals(method.name())) {
                return true;
            }
        }
        return false;
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Whether {@link #requireOpenFor} would let {@code method} through. */
    public boolean isOpenFor(Method method, Instant now) {
        return completedAt == null && !isExpired(now) && offers(method);
    }

    /**
     * The one check before a code is sent or taken (CONTRACT §4): 409 once verified, 410 once expired, then
     * {@code notOffered} when the challenge does not offer {@code method}.
     */
    public void requireOpenFor(Method method, Instant now, Supplier<ProblemException> notOffered) {
        if (completedAt != null) {
            throw ProblemException.conflict(
                    "challenge-completed", "This challenge was already verified; start a new sign-in.");
        }
        if (isExpired(now)) {
            throw ProblemException.gone("challenge-expired", "This challenge expired; start a new sign-in.");
        }
        if (!offers(method)) {
            throw notOffered.get();
        }
    }

    /** Whether an SMS code was sent and may still be used (the hash is cleared when used or its factor removed). */
    public boolean hasLiveSmsCode(Instant now) {
        return smsCodeHash != null && smsCodeExpiresAt != null && now.isBefore(smsCodeExpiresAt);
    }
}
