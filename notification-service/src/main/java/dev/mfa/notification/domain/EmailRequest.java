package dev.mfa.notification.domain;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One e-mail request: dedupe record, queue entry and status (see V2__email_request.sql). */
@Entity
@Table(name = "email_request")
public class EmailRequest extends QueuedRequest {

    @Column(nullable = false)
    public String template;

    /** 0 for a notice to one user, 1 for a campaign mail ({@link EmailTemplate#priority()}): lower goes first. */
    @Column(nullable = false)
    public short priority;

    @Column(name = "recipient_hash", nullable = false)
    public String recipientHash;

    /** JSON object of the template's display values; {@code {}} once the request is SENT or FAILED. */
    @Column(nullable = false)
    public String params;

    @Override
    protected void clearContent() {
        recipient = null;
        params = "{}";
    }

    /** A new row for {@code requestId}, not yet accepted or refused. */
    public static EmailRequest received(UUID requestId, UUID eventId, String userId, Instant requestedAt, Instant now) {
        EmailRequest row = new EmailRequest();
        row.receive(requestId, eventId, userId, requestedAt, now);
        return row;
    }

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
