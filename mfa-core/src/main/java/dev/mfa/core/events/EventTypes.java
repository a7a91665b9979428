package dev.mfa.core.events;

/** CloudEvents {@code type} values of CONTRACT §5. */
public final class EventTypes {
    public static final String USER_UPSERTED = "identity.user.upserted";
    public static final String USER_REMOVED = "identity.user.removed";

    public static final String FACTOR_ENROLLED = "mfa.factor.enrolled";
    public static final String FACTOR_REMOVED = "mfa.factor.removed";
    public static final String RECOVERY_CODE_ISSUED = "mfa.recovery-code.issued";
    public static final String RECOVERY_CODE_REVOKED = "mfa.recovery-code.revoked";

    public static final String ORG_POLICY_CHANGED = "mfa.org-policy.changed";

    public static final String DEADLINE_APPROACHING = "mfa.deadline.approaching";
    public static final String DEADLINE_REACHED = "mfa.deadline.reached";

    public static final String USER_REQUIREMENT_CHANGED = "mfa.user-requirement.changed";

    public static final String SMS_REQUESTED = "mfa.sms.requested";
    public static final String SMS_SENT = "mfa.sms.sent";
    public static final String SMS_DELIVERED = "mfa.sms.delivered";
    public static final String SMS_FAILED = "mfa.sms.failed";

    public static final String EMAIL_REQUESTED = "mfa.email.requested";
    public static final String EMAIL_SENT = "mfa.email.sent";
    public static final String EMAIL_FAILED = "mfa.email.failed";

    public static final String VERIFICATION_SUCCEEDED = "mfa.verification.succeeded";
    public static final String VERIFICATION_FAILED = "mfa.verification.failed";
    public static final String USER_LOCKED = "mfa.user.locked";
    public static final String RECOVERY_CODE_USED = "mfa.recovery-code.used";

    private EventTypes() {}
}
