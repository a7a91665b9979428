package dev.mfa.notification.domain;

/** Life of an e-mail request: PENDING (queued, maybe after a retry) → SENDING (in flight) → SENT or FAILED. */
public enum EmailState {
    PENDING,
    SENDING,
    SENT,
    FAILED
}
