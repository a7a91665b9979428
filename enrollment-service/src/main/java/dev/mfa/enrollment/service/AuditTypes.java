package dev.mfa.enrollment.service;

/** {@code type} values of the org audit trail (docs/enrollment.md). */
public final class AuditTypes {
    public static final String POLICY_CHANGED = "policy-changed";
    public static final String AVAILABILITY_CHANGED = "availability-changed";
    public static final String FACTOR_ENROLLED = "factor-enrolled";
    public static final String FACTOR_REMOVED = "factor-removed";
    public static final String MFA_RESET = "mfa-reset";
    public static final String EXEMPTION_GRANTED = "exemption-granted";
    public static final String EXEMPTION_REVOKED = "exemption-revoked";
    public static final String EXEMPTION_EXPIRED = "exemption-expired";
    public static final String USER_LOCKED = "user-locked";
    public static final String RECOVERY_CODE_USED = "recovery-code-used";

    private AuditTypes() {}
}
