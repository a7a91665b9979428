package dev.mfa.notification.domain;

import dev.mfa.core.events.EmailTemplates;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The e-mail notices this service renders ({@code templates/mail/<name>.txt} and {@code .html}, one layout), with the
 * params each one takes. Params are typed display values checked by {@code EmailRules}; nothing else reaches a
 * template, so no code, secret or full phone number can be put into an e-mail. {@code subject} may use
 * {@code {param}} placeholders.
 */
public enum EmailTemplate {
    DEADLINE_APPROACHING(
            EmailTemplates.DEADLINE_APPROACHING,
            "Set up two-step verification before {deadline}",
            Set.of("deadline", "daysLeft"),
            Set.of()),
    MFA_REQUIRED(EmailTemplates.MFA_REQUIRED, "Two-step verification is now required", Set.of(), Set.of("deadline")),
    FACTOR_ADDED(
            EmailTemplates.FACTOR_ADDED,
            "A sign-in method was added to your account",
            Set.of("method"),
            Set.of("phoneMasked", "at")),
    FACTOR_REMOVED(
            EmailTemplates.FACTOR_REMOVED,
            "A sign-in method was removed from your account",
            Set.of("method"),
            Set.of("phoneMasked", "at")),
    RECOVERY_CODE_USED(
            EmailTemplates.RECOVERY_CODE_USED, "Your recovery code was used to sign in", Set.of(), Set.of("at")),
    ADMIN_RESET(
            EmailTemplates.ADMIN_RESET,
            "Your two-step verification was reset by an administrator",
            Set.of(),
            Set.of("at")),
    ACCOUNT_THROTTLED(
            EmailTemplates.ACCOUNT_THROTTLED, "Sign-in paused after several wrong codes", Set.of(), Set.of("until")),
    ACCOUNT_LOCKED(
            EmailTemplates.ACCOUNT_LOCKED, "Your account is locked after too many wrong codes", Set.of(), Set.of("at")),
    EXEMPTION_ENDING(
            EmailTemplates.EXEMPTION_ENDING,
            "Your exemption from two-step verification ends on {until}",
            Set.of("until"),
            Set.of()),
    ADMIN_USER_LOCKED(
            EmailTemplates.ADMIN_USER_LOCKED,
            "A user of your organization was locked",
            Set.of("lockedUserId"),
            Set.of("at"));

    private final String id;
    private final String subject;
    private final Set<String> required;
    private final Set<String> optional;

    EmailTemplate(String id, String subject, Set<String> required, Set<String> optional) {
        this.id = id;
        this.subject = subject;
        this.required = required;
        this.optional = optional;
    }

    /** The {@code template} value of {@code mfa.email.requested}. */
    public String id() {
        return id;
    }

    public String subject() {
        return subject;
    }

    public Set<String> required() {
        return required;
    }

    public Set<String> optional() {
        return optional;
    }

    /**
     * Claim order in the queue, lower first: the campaign mails, sent to a whole org at once, go after the notices
     * to one user (security notices), so that a rate-limited campaign never delays them.
     */
    public short priority() {
        return (short) (this == DEADLINE_APPROACHING || this == MFA_REQUIRED ? 1 : 0);
    }

    public static Optional<EmailTemplate> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
