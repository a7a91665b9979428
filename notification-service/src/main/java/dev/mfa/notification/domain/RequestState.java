package dev.mfa.notification.domain;

/**
 * Life of a queued request, SMS or e-mail: PENDING (queued or waiting for a retry) → SENDING (one provider call in
 * flight) → SENT, then for SMS only DELIVERED (from a delivery receipt); FAILED from any of them. A row never goes
 * back from SENDING to PENDING except after a provider answer that proves the message was not accepted.
 */
public enum RequestState {
    PENDING,
    SENDING,
    SENT,
    DELIVERED,
    FAILED
}
