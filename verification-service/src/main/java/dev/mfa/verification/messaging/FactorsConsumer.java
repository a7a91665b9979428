package dev.mfa.verification.messaging;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.verification.service.ProjectionService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Factors and recovery codes from {@code mfa.factors}. Records are keyed by user id and handled one at a time, so
 * one user's events apply in order; duplicates are dropped by event id.
 */
@ApplicationScoped
public class FactorsConsumer {

    private final EventConsumer events;

    public FactorsConsumer(EventCodec codec, ProcessedEvents processed, ProjectionService projection) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(
                        EventTypes.FACTOR_ENROLLED,
                        Events.FactorEnrolled.class,
                        (e, data) -> projection.factorEnrolled(data))
                .on(EventTypes.FACTOR_REMOVED, Events.FactorRemoved.class, (e, data) -> projection.factorRemoved(data))
                .on(
                        EventTypes.RECOVERY_CODE_ISSUED,
                        Events.RecoveryCodeIssued.class,
                        (e, data) -> projection.recoveryCodeIssued(data))
                .on(
                        EventTypes.RECOVERY_CODE_REVOKED,
                        Events.RecoveryCodeRevoked.class,
                        (e, data) -> projection.recoveryCodeRevoked(data))
                .build(codec, processed);
    }

    @Incoming(Channels.FACTORS)
    public Uni<Void> consume(String payload) {
        return events.consume(payload).replaceWithVoid();
    }
}
