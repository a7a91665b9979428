package dev.mfa.enrollment.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A user's recovery code, kept only as its keyed hash ({@code RecoveryCodeHasher}; older rows {@code s256:}). */
@Entity
@Table(name = "recovery_code")
public class RecoveryCode {

    public static final String ACTIVE = "ACTIVE";
    public static final String USED = "USED";
    public static final String NONE = "NONE";

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "recovery_code_id", nullable = false)
    public UUID recoveryCodeId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "code_hash", nullable = false)
    public String codeHash;

    @Column(nullable = false)
    public String status;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "used_at")
    public Instant usedAt;
}
