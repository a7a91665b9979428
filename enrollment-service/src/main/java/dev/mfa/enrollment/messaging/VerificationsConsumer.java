package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.service.AccountNoticeService;
import dev.mfa.enrollment.service.FactorService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Sign-in outcomes: a spent recovery code becomes {@code USED}; a successful factor gets its {@code lastUsedAt};
 * sustained throttling, a lock and a spent recovery code are mailed ({@link AccountNoticeService}).
 */
@ApplicationScoped
public class VerificationsConsumer {

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final FactorService factors;
    /** Locks and recovery-code uses in the org audit trail (issue 18). */
    @jakarta.inject.Inject
    dev.mfa.enrollment.service.AuditService auditTrail;
    /** Lock, throttling and recovery-code notices to the user and the org admins (issue 15 #12). */
    @jakarta.inject.Inject
    AccountNoticeService notices;

    public VerificationsConsumer(EventCodec codec, ProcessedEvents processed, FactorService factors) {
        this.codec = codec;
        this.processed = processed;
        this.factors = factors;
    }

    @Incoming(Channels.VERIFICATIONS)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        return processed
                .once(
                        Channels.CONSUMER,
                        event.id(),
                        () -> auditTrail.verification(event).chain(() -> switch (event.type()) {
                            case EventTypes.RECOVERY_CODE_USED ->
                                recoveryCodeUsed(codec.data(event, Events.RecoveryCodeUsed.class));
                            case EventTypes.VERIFICATION_SUCCEEDED ->
                                factors.factorUsed(codec.data(event, Events.VerificationSucceeded.class));
                            case EventTypes.VERIFICATION_FAILED ->
                                notices.verificationFailed(codec.data(event, Events.VerificationFailed.class));
                            case EventTypes.USER_LOCKED ->
                                notices.userLocked(codec.data(event, Events.UserLocked.class));
                            default -> Uni.createFrom().voidItem();
                        }))
                .replaceWithVoid();
    }

    /** The code becomes USED, and the user is told (issue 15 #12: it may also have lifted a lock). */
    private Uni<Void> recoveryCodeUsed(Events.RecoveryCodeUsed used) {
        return factors.recoveryCodeUsed(used).flatMap(i -> notices.recoveryCodeUsed(used));
    }
}
