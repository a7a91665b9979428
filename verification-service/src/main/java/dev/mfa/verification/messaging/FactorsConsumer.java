package dev.mfa.verification.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
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

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final ProjectionService projection;

    public FactorsConsumer(EventCodec codec, ProcessedEvents processed, ProjectionService projection) {
        this.codec = codec;
        this.processed = processed;
        this.projection = projection;
    }

    @Incoming(Channels.FACTORS)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        return processed
                .once(Channels.CONSUMER, event.id(), () -> switch (event.type()) {
                    case EventTypes.FACTOR_ENROLLED ->
                        projection.factorEnrolled(codec.data(event, Events.FactorEnrolled.class));
                    case EventTypes.FACTOR_REMOVED ->
                        projection.factorRemoved(codec.data(event, Events.FactorRemoved.class));
                    case EventTypes.RECOVERY_CODE_ISSUED ->
                        projection.recoveryCodeIssued(codec.data(event, Events.RecoveryCodeIssued.class));
                    case EventTypes.RECOVERY_CODE_REVOKED ->
                        projection.recoveryCodeRevoked(codec.data(event, Events.RecoveryCodeRevoked.class));
                    default -> Uni.createFrom().voidItem();
                })
                .replaceWithVoid();
    }
}
