package dev.mfa.scheduler.messaging;

/** Incoming channel names, shared with the tests. */
public final class Channels {
    /** {@code mfa.org-policies}. */
    public static final String ORG_POLICIES = "org-policies";
    /** The consumer name under which processed event ids are recorded. */
    public static final String CONSUMER = "deadline-scheduler";

    private Channels() {}
}
