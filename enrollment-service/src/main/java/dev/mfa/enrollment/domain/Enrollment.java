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
 * An enrollment ceremony. {@code secret} (TOTP) and {@code phone} (SMS) are FieldKeys ciphertexts bound to
 * field, user and enrollment id ({@link #context}: the binding of rows written before the key split);
 * {@code codeHash} is the CodeHasher hash of the SMS code.
 */
@Entity
@Table(name = "enrollment")
public class Enrollment {

    public enum Status {
        PENDING,
        CONFIRMED,
        FAILED,
        CANCELLED
    }

    @Id
    @Column(name = "enrollment_id")
    public UUID enrollmentId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Method method;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    public String secret;

    public String phone;

    @Column(name = "phone_masked")
    public String phoneMasked;

    public String country;

    @Column(name = "code_hash")
    public String codeHash;

    @Column(nullable = false)
    public int attempts;

    @Column(nullable = false)
    public int sends;

    @Column(name = "resend_available_at")
    public Instant resendAvailableAt;

    /** The latest {@code mfa.sms.requested} of this enrollment (its {@code requestId}). */
    @Column(name = "sms_request_id")
    public UUID smsRequestId;

    /** The start carried a verified MFA assertion (the user had a factor then). */
    @Column(name = "stepped_up", nullable = false)
    public boolean steppedUp;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    /** The associated data of rows written under the legacy shared key. */
    public static String context(UUID enrollmentId) {
        return "enrollment:" + enrollmentId;
    }
}
