package dev.mfa.enrollment.messaging;

/** Incoming channel names, shared with the tests. */
public final class Channels {
    public static final String IDENTITY_USERS = "identity-users";
    public static final String DEADLINES = "deadlines";
    public static final String VERIFICATIONS = "verifications";
    public static final String SMS_STATUS = "sms-status";
    /** The consumer name under which processed event ids are recorded. */
    public static final String CONSUMER = "enrollment-service";

    private Channels() {}
}
