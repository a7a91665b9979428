package dev.mfa.notification.domain;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One e-mail request: dedupe record, queue entry and status (see V2__email_request.sql). */
@Entity
@Table(name = "email_request")
public class EmailRequest extends PanacheEntityBase {

    @Id
    @Column(name = "request_id")
    public UUID requestId;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(nullable = false)
    public String template;

    @Column(name = "recipient_hash", nullable = false)
    public String recipientHash;

    /** Field-cipher ciphertext bound to the request id; null once the request is SENT or FAILED. */
    public String recipient;

    /** JSON object of the template's display values; {@code {}} once the request is SENT or FAILED. */
    @Column(nullable = false)
    public String params;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public EmailState state;

    @Column(nullable = false)
    public boolean counted;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "failure_reason")
    public String failureReason;

    @Column(name = "failed_at")
    public Instant failedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The recipient is an email-key ciphertext bound to field, user and this row. */
    public static String sealRecipient(FieldKeys keys, String userId, UUID requestId, String address) {
        return keys.sealAtRest(SealedField.EMAIL, userId, requestId.toString(), address);
    }

    public static String openRecipient(FieldKeys keys, String userId, UUID requestId, String ciphertext) {
        return keys.openAtRest(SealedField.EMAIL, userId, requestId.toString(), ciphertext, null);
    }

    @Override
    public String toString() {
        // Never the address or params.
        return "EmailRequest[" + requestId + ", " + template + ", " + state + "]";
    }
}
