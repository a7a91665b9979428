package dev.mfa.notification.domain;

import jakarta.persistence.Column;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import java.time.Instant;
import java.util.UUID;

/**
 * What every channel's request row shares (the same columns in {@code sms_request} and {@code email_request}): the
 * dedupe record, the queue entry and the state machine of {@link RequestState}. The transitions live here once; the
 * channel says what "the content" is, which is cleared as soon as the request is finished.
 */
@MappedSuperclass
public abstract class QueuedRequest {

    @Id
    @Column(name = "request_id")
    public UUID requestId;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    /** Field-cipher ciphertext bound to the request id; null once the request is SENT or FAILED. */
    public String recipient;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RequestState state;

    /** Whether the request counts against the abuse caps (refused requests do not). */
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

    /** Drops what only the send needs (ciphertexts, display values): nothing is kept longer than needed. */
    protected abstract void clearContent();

    /** A new row for a request received {@code now}, not yet accepted or refused. */
    protected void receive(UUID requestId, UUID eventId, String userId, Instant requestedAt, Instant now) {
        this.requestId = requestId;
        this.eventId = eventId;
        this.userId = userId;
        this.requestedAt = requestedAt != null ? requestedAt : now;
        this.receivedAt = now;
        this.nextAttemptAt = now;
        this.updatedAt = now;
    }

    public boolean isSending() {
        return state == RequestState.SENDING;
    }

    /** Still waiting or in flight: the sweeper may fail it. */
    public boolean isOpen() {
        return state == RequestState.PENDING || state == RequestState.SENDING;
    }

    /** Accepted into the queue: PENDING, counted against the caps. */
    public void queue() {
        state = RequestState.PENDING;
        counted = true;
    }

    /** Refused at intake: FAILED at once, not counted against the caps. */
    public void refuse(String reason, Instant now) {
        markFailed(reason, now);
        counted = false;
    }

    /** SENDING → SENT: the provider accepted the message. */
    public void markSent(Instant now) {
        state = RequestState.SENT;
        sentAt = now;
        leaseUntil = null;
        lastError = null;
        clearContent();
    }

    /** SENDING → PENDING: a temporary failure, tried again at {@code next}. */
    public void retryAt(Instant next) {
        state = RequestState.PENDING;
        leaseUntil = null;
        nextAttemptAt = next;
    }

    /** Any state → FAILED. */
    public void markFailed(String reason, Instant now) {
        state = RequestState.FAILED;
        failureReason = reason;
        failedAt = now;
        updatedAt = now;
        leaseUntil = null;
        clearContent();
    }
}
