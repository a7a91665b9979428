package dev.mfa.notification.provider;

/**
 * What one provider call achieved. {@code reason} is a short machine-readable word (used in {@code mfa.sms.failed}
 * and as a metric tag); {@code providerStatus} is Vonage's numeric status or {@code http}/{@code io} for
 * transport failures. Never holds the number or the text.
 */
public record ProviderResult(Kind kind, String messageId, String reason, String providerStatus) {

    public enum Kind {
        /** Vonage accepted the message. */
        ACCEPTED,
        /** Not accepted; the same request may succeed later (retried with backoff until the code expires). */
        TEMPORARY,
        /** Not accepted and never will be (number, account or configuration problem). */
        PERMANENT
    }

    public static ProviderResult accepted(String messageId) {
        return new ProviderResult(Kind.ACCEPTED, messageId, null, "0");
    }

    public static ProviderResult temporary(String reason, String providerStatus) {
        return new ProviderResult(Kind.TEMPORARY, null, reason, providerStatus);
    }

    public static ProviderResult permanent(String reason, String providerStatus) {
        return new ProviderResult(Kind.PERMANENT, null, reason, providerStatus);
    }
}
