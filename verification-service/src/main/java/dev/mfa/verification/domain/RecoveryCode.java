package dev.mfa.verification.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** The user's current recovery code (only its hash), from {@code mfa.recovery-code.issued}. */
@Entity
@Table(name = "recovery_code")
public class RecoveryCode {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "recovery_code_id", nullable = false)
    public UUID recoveryCodeId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "code_hash", nullable = false)
    public String codeHash;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "used_at")
    public Instant usedAt;
}
