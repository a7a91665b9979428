package dev.mfa.verification.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A user's MFA requirement and failure state; its row lock serialises that user's verifications. */
@Entity
@Table(name = "user_state")
public class UserState {

    public static final String NOT_REQUIRED = "NOT_REQUIRED";
    public static final String REQUIRED = "REQUIRED";

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "org_id")
    public String orgId;

    @Column(nullable = false)
    public String requirement;

    @Column(name = "consecutive_failures", nullable = false)
    public int consecutiveFailures;

    @Column(name = "blocked_until")
    public Instant blockedUntil;

    @Column(name = "locked_at")
    public Instant lockedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
