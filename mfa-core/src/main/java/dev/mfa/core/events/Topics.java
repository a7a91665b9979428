package dev.mfa.core.events;

import java.util.List;

/** Kafka topic names of CONTRACT §5. */
public final class Topics {
    public static final String IDENTITY_USERS = "identity.users";
    public static final String FACTORS = "mfa.factors";
    public static final String ORG_POLICIES = "mfa.org-policies";
    public static final String DEADLINES = "mfa.deadlines";
    public static final String USER_REQUIREMENTS = "mfa.user-requirements";
    public static final String SMS_REQUESTS = "mfa.sms-requests";
    public static final String SMS_STATUS = "mfa.sms-status";
    public static final String EMAIL_REQUESTS = "mfa.email-requests";
    public static final String EMAIL_STATUS = "mfa.email-status";
    public static final String VERIFICATIONS = "mfa.verifications";

    public static final List<String> ALL = List.of(
            IDENTITY_USERS,
            FACTORS,
            ORG_POLICIES,
            DEADLINES,
            USER_REQUIREMENTS,
            SMS_REQUESTS,
            SMS_STATUS,
            VERIFICATIONS,
            EMAIL_REQUESTS,
            EMAIL_STATUS);

    private static final String DLQ_SUFFIX = ".dlq";

    private Topics() {}

    /** Dead-letter topic of a topic: where a consumer parks a record it cannot process. */
    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
