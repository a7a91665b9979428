package dev.mfa.enrollment.domain;

/** A user's MFA requirement (CONTRACT §3). */
public enum Requirement {
    /** MFA is off for the org and the user is not a Pay user. */
    NOT_REQUIRED,
    /** Early enrollment: MFA is on but its deadline has not passed. */
    OPTIONAL,
    /** The deadline passed, or the user is a Pay user. */
    REQUIRED
}
