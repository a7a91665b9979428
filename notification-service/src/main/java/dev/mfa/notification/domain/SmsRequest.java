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

/** One SMS request: dedupe record, queue entry and delivery status (see V1__sms_request.sql). */
@Entity
@Table(name = "sms_request")
public class SmsRequest extends PanacheEntityBase {

    @Id
    @Column(name = "request_id")
    public UUID requestId;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SmsPurpose purpose;

    @Column(nullable = false)
    public String country;

    @Column(name = "destination_hash", nullable = false)
    public String destinationHash;

    /** Field-cipher ciphertext bound to the request id; null once the request is SENT or FAILED. */
    public String recipient;

    /** Field-cipher ciphertext bound to the request id; null once the request is SENT or FAILED. */
    public String code;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SmsState state;

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

    @Column(name = "provider_message_id")
    public String providerMessageId;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "failure_reason")
    public String failureReason;

    @Column(name = "failed_at")
    public Instant failedAt;

    @Column(name = "receipt_status")
    public String receiptStatus;

    @Column(name = "receipt_error")
    public String receiptError;

    @Column(name = "receipt_at")
    public Instant receiptAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** {@link #recipient} and {@link #code} are sms-key ciphertexts bound to field, user and this row. */
    public static String sealRecipient(FieldKeys keys, String userId, UUID requestId, String e164) {
        return keys.sealAtRest(SealedField.PHONE, userId, requestId.toString(), e164);
    }

    public static String openRecipient(FieldKeys keys, String userId, UUID requestId, String ciphertext) {
        return keys.openAtRest(SealedField.PHONE, userId, requestId.toString(), ciphertext, null);
    }

    public static String sealCode(FieldKeys keys, String userId, UUID requestId, String code) {
        return keys.sealAtRest(SealedField.SMS_CODE, userId, requestId.toString(), code);
    }

    public static String openCode(FieldKeys keys, String userId, UUID requestId, String ciphertext) {
        return keys.openAtRest(SealedField.SMS_CODE, userId, requestId.toString(), ciphertext, null);
    }
}
