package dev.mfa.enrollment.service;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.Events;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which e-mails a sign-in outcome asks for (issue 15 #12, lockout as a weapon): the user hears of sustained
 * throttling and of a lock, the org's admins of a lock, the user of a spent recovery code. Each notice's request id is
 * derived from its occasion, so a redelivered or replayed event can never ask for a second e-mail.
 * <ul>
 * <li>Sustained throttling: the failure that brings a user's consecutive failures to {@code throttledAfter}. The count
 * only grows until a success or a reset sets it to 0, so this happens once per episode of failures, and an
 * attacker holding the password cannot make it mail the user more than once per success of the user.</li>
 * <li>A lock: once per lock (the lock's time is part of the occasion), to the user and to each admin.</li>
 * </ul>
 */
public final class AccountNotices {

    /** An e-mail to ask for: to a roster user, with its template, occasion (request id) and display params. */
    public record Notice(String recipientId, String template, String occasion, Map<String, String> params) {

        public UUID requestId() {
            return requestId(occasion);
        }

        static UUID requestId(String occasion) {
            return UUID.nameUUIDFromBytes(occasion.getBytes(StandardCharsets.UTF_8));
        }
    }

    private AccountNotices() {}

    public static Optional<Notice> failed(Events.VerificationFailed e, int throttledAfter) {
        if (e.consecutiveFailures() != throttledAfter) {
            return Optional.empty();
        }
        // The occasion is this very failure: the challenge and the count, unique within the user's episodes.
        return Optional.of(new Notice(
                e.userId(),
                EmailTemplates.ACCOUNT_THROTTLED,
                "account-throttled:" + e.userId() + ":" + e.challengeId() + ":" + e.consecutiveFailures(),
                params("at", e.failedAt())));
    }

    public static List<Notice> locked(Events.UserLocked e, List<String> adminIds) {
        String lock = e.userId() + ":" + e.lockedAt();
        List<Notice> notices = new ArrayList<>(1 + adminIds.size());
        notices.add(new Notice(
                e.userId(), EmailTemplates.ACCOUNT_LOCKED, "account-locked:" + lock, params("at", e.lockedAt())));
        for (String admin : adminIds) {
            if (admin.equals(e.userId())) {
                continue; // a locked admin gets the user's notice, not a second one about themselves
            }
            Map<String, String> params = params("at", e.lockedAt());
            params.put("lockedUserId", e.userId());
            notices.add(new Notice(
                    admin, EmailTemplates.ADMIN_USER_LOCKED, "admin-user-locked:" + admin + ":" + lock, params));
        }
        return notices;
    }

    public static Notice recoveryCodeUsed(Events.RecoveryCodeUsed e) {
        // A recovery code is spent once: its id is the occasion.
        return new Notice(
                e.userId(),
                EmailTemplates.RECOVERY_CODE_USED,
                "recovery-code-used:" + e.recoveryCodeId(),
                params("at", e.usedAt()));
    }

    private static Map<String, String> params(String name, Object value) {
        Map<String, String> params = new LinkedHashMap<>();
        if (value != null) {
            params.put(name, value.toString());
        }
        return params;
    }
}
