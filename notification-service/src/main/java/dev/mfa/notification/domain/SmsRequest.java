package dev.mfa.notification.domain;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One SMS request: dedupe record, queue entry and delivery status (see V1__sms_request.sql). */
@Entity
@Table(name = "sms_request")
public class SmsRequest extends QueuedRequest {

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SmsPurpose purpose;

    @Column(nullable = false)
    public String country;

    @Column(name = "destination_hash", nullable = false)
    public String destinationHash;

    /** Field-cipher ciphertext bound to the request id; null once the request is SENT or FAILED. */
    public String code;

    @Column(name = "provider_message_id")
    public String providerMessageId;

    @Column(name = "receipt_status")
    public String receiptStatus;

    @Column(name = "receipt_error")
    public String receiptError;

    @Column(name = "receipt_at")
    public Instant receiptAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Override
    protected void clearContent() {
        recipient = null;
        code = null;
    }

    /** A new row for {@code requestId}, not yet accepted or refused. */
    public static SmsRequest received(UUID requestId, UUID eventId, String userId, Instant requestedAt, Instant now) {
        SmsRequest row = new SmsRequest();
        row.receive(requestId, eventId, userId, requestedAt, now);
        return row;
    }

    /** SENT → DELIVERED (a delivery receipt). */
    public void markDelivered(Instant now) {
        state = RequestState.DELIVERED;
        deliveredAt = now;
        updatedAt = now;
    }

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

    @Override
    public String toString() {
        // Never the number or the code.
        return "SmsRequest[" + requestId + ", " + purpose + ", " + state + "]";
    }
}
