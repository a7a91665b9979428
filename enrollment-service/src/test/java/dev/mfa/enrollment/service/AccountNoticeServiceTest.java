package dev.mfa.enrollment.service;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.Events;
import dev.mfa.enrollment.repository.OrgAdminRepository;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which sign-in outcomes reach the outbox, and to whom (the notices' own rules: AccountNoticesTest). */
class AccountNoticeServiceTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");

    private final SecurityNotices notices = mock(SecurityNotices.class);
    private final OrgAdminRepository admins = mock(OrgAdminRepository.class);
    private final AccountNoticeService service = new AccountNoticeService(notices, admins, 10);

    @Test
    void aLockIsMailedToTheUserAndToTheAdminsTheRepositoryKnows() {
        when(admins.adminsOf("acme")).thenReturn(Uni.createFrom().item(List.of("boss")));
        when(notices.notice(anyString(), anyString(), anyString(), any()))
                .thenReturn(Uni.createFrom().voidItem());

        service.userLocked(new Events.UserLocked("alice", "acme", 10, AT))
                .await()
                .indefinitely();

        verify(notices).notice(eq("alice"), eq(EmailTemplates.ACCOUNT_LOCKED), anyString(), any());
        verify(notices).notice(eq("boss"), eq(EmailTemplates.ADMIN_USER_LOCKED), anyString(), any());
        org.mockito.Mockito.verifyNoMoreInteractions(notices);
    }

    @Test
    void failuresBelowTheConfiguredCountAreNotMailed() {
        service.verificationFailed(new Events.VerificationFailed(UUID.randomUUID(), "alice", "acme", "TOTP", 9, AT))
                .await()
                .indefinitely();

        verifyNoInteractions(notices, admins);
    }
}
