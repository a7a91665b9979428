package dev.mfa.enrollment.domain;

/** An org policy's state (CONTRACT §3 Policy.state). */
public enum PolicyState {
    DISABLED,
    EARLY_ENROLLMENT,
    ENFORCED
}
