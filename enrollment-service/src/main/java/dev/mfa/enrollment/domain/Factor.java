package dev.mfa.enrollment.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A second factor; every row is active (a removed factor is deleted), so the table's {@code status} column keeps its
 * default {@code ACTIVE} and is not mapped. {@code secret} and {@code phone} are FieldKeys ciphertexts bound to
 * field, user and factor.
 */
@Entity
@Table(name = "factor")
public class Factor {

    @Id
    @Column(name = "factor_id")
    public UUID factorId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Method method;

    @Column(nullable = false)
    public String label;

    public String secret;

    public String phone;

    @Column(name = "phone_masked")
    public String phoneMasked;

    public String country;

    @Column(name = "last_used_step")
    public Long lastUsedStep;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    /** The associated data of rows written under the legacy shared key. */
    public static String context(UUID factorId) {
        return "factor:" + factorId;
    }
}
