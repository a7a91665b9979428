package dev.mfa.notification.domain;

/**
 * PENDING (queued or waiting for a retry) → SENDING (one provider call in flight) → SENT → DELIVERED, or FAILED
 * from any of them. A row never goes back from SENDING to PENDING except after a provider answer that proves the
 * message was not accepted.
 */
public enum SmsState {
    PENDING,
    SENDING,
    SENT,
    DELIVERED,
    FAILED
}
