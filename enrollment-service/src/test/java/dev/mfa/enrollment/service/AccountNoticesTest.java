package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.Events;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Issue 15 #12: which sign-in outcomes are mailed, to whom, and once per occasion. */
class AccountNoticesTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void sustainedThrottlingIsMailedOncePerEpisodeOfFailures() {
        UUID challenge = UUID.randomUUID();
        List<AccountNotices.Notice> notices = IntStream.rangeClosed(1, 120)
                .mapToObj(n -> AccountNotices.failed(failed(challenge, n), 10))
                .flatMap(java.util.Optional::stream)
                .toList();
        assertThat(notices).hasSize(1);
        AccountNotices.Notice notice = notices.get(0);
        assertThat(notice.recipientId()).isEqualTo("alice");
        assertThat(notice.template()).isEqualTo(EmailTemplates.ACCOUNT_THROTTLED);
        assertThat(notice.params()).containsEntry("at", AT.toString());
        // The same event again (a redelivery, a replay) asks for the same request: notification sends it once.
        assertThat(AccountNotices.failed(failed(challenge, 10), 10)
                        .orElseThrow()
                        .requestId())
                .isEqualTo(notice.requestId());
        // A later episode (after a success reset the count) is another occasion.
        assertThat(AccountNotices.failed(failed(UUID.randomUUID(), 10), 10)
                        .orElseThrow()
                        .requestId())
                .isNotEqualTo(notice.requestId());
    }

    @Test
    void aLockIsMailedToTheUserAndToEachAdminOfTheOrgOnce() {
        Events.UserLocked lock = new Events.UserLocked("alice", "acme", 100, AT);
        List<AccountNotices.Notice> notices = AccountNotices.locked(lock, List.of("acme-admin", "alice", "boss"));
        assertThat(notices)
                .extracting(AccountNotices.Notice::recipientId)
                .containsExactly("alice", "acme-admin", "boss");
        assertThat(notices)
                .extracting(AccountNotices.Notice::template)
                .containsExactly(
                        EmailTemplates.ACCOUNT_LOCKED,
                        EmailTemplates.ADMIN_USER_LOCKED,
                        EmailTemplates.ADMIN_USER_LOCKED);
        assertThat(notices.get(1).params())
                .containsEntry("lockedUserId", "alice")
                .containsEntry("at", AT.toString());
        assertThat(notices).extracting(AccountNotices.Notice::requestId).doesNotHaveDuplicates();
        assertThat(AccountNotices.locked(lock, List.of("acme-admin", "alice", "boss")))
                .extracting(AccountNotices.Notice::requestId)
                .containsExactlyElementsOf(
                        notices.stream().map(AccountNotices.Notice::requestId).toList());
        // A later lock of the same user is a new occasion.
        assertThat(AccountNotices.locked(new Events.UserLocked("alice", "acme", 100, AT.plusSeconds(3600)), List.of())
                        .get(0)
                        .requestId())
                .isNotEqualTo(notices.get(0).requestId());
    }

    @Test
    void aSpentRecoveryCodeIsMailedOncePerCode() {
        UUID code = UUID.randomUUID();
        var used = new Events.RecoveryCodeUsed(code, "alice", "acme", UUID.randomUUID(), AT);
        AccountNotices.Notice notice = AccountNotices.recoveryCodeUsed(used);
        assertThat(notice.template()).isEqualTo(EmailTemplates.RECOVERY_CODE_USED);
        assertThat(notice.recipientId()).isEqualTo("alice");
        assertThat(AccountNotices.recoveryCodeUsed(new Events.RecoveryCodeUsed(
                                code, "alice", "acme", UUID.randomUUID(), AT.plusSeconds(5)))
                        .requestId())
                .isEqualTo(notice.requestId());
    }

    @Test
    void noNoticeCarriesAnAddressOrACode() {
        Events.UserLocked lock = new Events.UserLocked("alice", "acme", 100, AT);
        for (AccountNotices.Notice n : AccountNotices.locked(lock, List.of("acme-admin"))) {
            assertThat(n.params().keySet()).containsAnyOf("at").doesNotContain("to", "email", "code");
        }
    }

    private static Events.VerificationFailed failed(UUID challenge, int failures) {
        return new Events.VerificationFailed(challenge, "alice", "acme", "TOTP", failures, AT);
    }
}
