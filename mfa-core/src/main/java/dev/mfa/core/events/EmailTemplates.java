package dev.mfa.core.events;

import java.util.List;

/**
 * {@code template} values of {@code mfa.email.requested} (notification-service renders them; docs/notification.md
 * lists each one's params). Params are non-secret display values only: dates ({@code 2026-12-18}), method names,
 * masked phones, user ids.
 */
public final class EmailTemplates {
    /** Params {@code deadline}, {@code daysLeft}. Not yet enrolled users, 14, 7 and 1 days before the deadline. */
    public static final String DEADLINE_APPROACHING = "deadline-approaching";
    /** Optional {@code deadline}. At the deadline, users still without a factor. */
    public static final String MFA_REQUIRED = "mfa-required";
    /** Params {@code method}, optional {@code phoneMasked}. */
    public static final String FACTOR_ADDED = "factor-added";
    /** Params {@code method}, optional {@code phoneMasked}. */
    public static final String FACTOR_REMOVED = "factor-removed";
    /** No params. */
    public static final String RECOVERY_CODE_USED = "recovery-code-used";
    /** No params. */
    public static final String ADMIN_RESET = "admin-reset";
    /** Optional {@code until}. Sign-in throttled for long. */
    public static final String ACCOUNT_THROTTLED = "account-throttled";
    /** No params. */
    public static final String ACCOUNT_LOCKED = "account-locked";
    /** Params {@code until}. A few days before an exemption ends. */
    public static final String EXEMPTION_ENDING = "exemption-ending";
    /** To an org admin; params {@code lockedUserId}. */
    public static final String ADMIN_USER_LOCKED = "admin-user-locked";

    public static final List<String> ALL = List.of(
            DEADLINE_APPROACHING,
            MFA_REQUIRED,
            FACTOR_ADDED,
            FACTOR_REMOVED,
            RECOVERY_CODE_USED,
            ADMIN_RESET,
            ACCOUNT_THROTTLED,
            ACCOUNT_LOCKED,
            EXEMPTION_ENDING,
            ADMIN_USER_LOCKED);

    private EmailTemplates() {}
}
