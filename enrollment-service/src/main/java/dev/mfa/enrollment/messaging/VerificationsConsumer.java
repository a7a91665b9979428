package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.service.AccountNoticeService;
import dev.mfa.enrollment.service.AuditService;
import dev.mfa.enrollment.service.FactorService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Sign-in outcomes: a spent recovery code becomes {@code USED}; a successful factor gets its {@code lastUsedAt};
 * sustained throttling, a lock and a spent recovery code are mailed ({@link AccountNoticeService}); locks and
 * recovery-code uses also go into the org audit trail (issue 18).
 */
@ApplicationScoped
public class VerificationsConsumer {

    private final EventConsumer events;
    private final FactorService factors;
    private final AuditService auditTrail;
    private final AccountNoticeService notices;

    public VerificationsConsumer(
            EventCodec codec,
            ProcessedEvents processed,
            FactorService factors,
            AuditService auditTrail,
            AccountNoticeService notices) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(EventTypes.RECOVERY_CODE_USED, Events.RecoveryCodeUsed.class, this::recoveryCodeUsed)
                .on(
                        EventTypes.VERIFICATION_SUCCEEDED,
                        Events.VerificationSucceeded.class,
                        (event, succeeded) -> factors.factorUsed(succeeded))
                .on(
                        EventTypes.VERIFICATION_FAILED,
                        Events.VerificationFailed.class,
                        (event, failed) -> notices.verificationFailed(failed))
                .on(EventTypes.USER_LOCKED, Events.UserLocked.class, this::userLocked)
                .build(codec, processed);
        this.factors = factors;
        this.auditTrail = auditTrail;
        this.notices = notices;
    }

    @Incoming(Channels.VERIFICATIONS)
    public Uni<Void> consume(String payload) {
        return events.consume(payload).replaceWithVoid();
    }

    /** The code becomes USED, and the user is told (issue 15 #12: it may also have lifted a lock). */
    private Uni<Void> recoveryCodeUsed(CloudEvent event, Events.RecoveryCodeUsed used) {
        return auditTrail
                .verification(event)
                .chain(() -> factors.recoveryCodeUsed(used))
                .chain(() -> notices.recoveryCodeUsed(used));
    }

    private Uni<Void> userLocked(CloudEvent event, Events.UserLocked locked) {
        return auditTrail.verification(event).chain(() -> notices.userLocked(locked));
    }
}
