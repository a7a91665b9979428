package dev.mfa.verification.messaging;

/** Incoming channel names, shared with the tests. */
public final class Channels {
    public static final String FACTORS = "factors";
    public static final String USER_REQUIREMENTS = "user-requirements";
    public static final String SMS_STATUS = "sms-status";
    /** The consumer name under which processed event ids are recorded. */
    public static final String CONSUMER = "verification-service";

    private Channels() {}
}
