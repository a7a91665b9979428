package dev.mfa.notification.messaging;

/** Incoming channel names, shared with the tests. */
public final class Channels {
    public static final String SMS_REQUESTS = "sms-requests";
    public static final String EMAIL_REQUESTS = "email-requests";
    /** The consumer name under which processed event ids are recorded. */
    public static final String CONSUMER = "notification-service";

    private Channels() {}
}
