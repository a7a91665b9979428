package dev.mfa.enrollment.service;

import dev.mfa.core.events.Events;
import dev.mfa.enrollment.repository.OrgAdminRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks for the e-mails of {@link AccountNotices} in the consumer's transaction (with the event id it records), through
 * {@link SecurityNotices}: roster addresses, encrypted; a recipient without an address is skipped.
 */
@ApplicationScoped
public class AccountNoticeService {

    private final SecurityNotices notices;
    private final OrgAdminRepository admins;
    private final int throttledAfter;

    public AccountNoticeService(
            SecurityNotices notices,
            OrgAdminRepository admins,
            @ConfigProperty(name = "mfa.notices.throttled-after-failures", defaultValue = "10") int throttledAfter) {
        this.notices = notices;
        this.admins = admins;
        this.throttledAfter = throttledAfter;
    }

    public Uni<Void> verificationFailed(Events.VerificationFailed e) {
        return AccountNotices.failed(e, throttledAfter)
                .map(this::send)
                .orElse(Uni.createFrom().voidItem());
    }

    public Uni<Void> userLocked(Events.UserLocked e) {
        return admins.adminsOf(e.orgId()).flatMap(ids -> sendAll(AccountNotices.locked(e, ids)));
    }

    public Uni<Void> recoveryCodeUsed(Events.RecoveryCodeUsed e) {
        return send(AccountNotices.recoveryCodeUsed(e));
    }

    private Uni<Void> sendAll(List<AccountNotices.Notice> all) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (AccountNotices.Notice n : all) {
            chain = chain.flatMap(i -> send(n));
        }
        return chain;
    }

    private Uni<Void> send(AccountNotices.Notice n) {
        return notices.notice(n.recipientId(), n.template(), n.occasion(), n.params());
    }
}
