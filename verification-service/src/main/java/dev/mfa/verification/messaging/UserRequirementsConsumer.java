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

/** Users' MFA requirements from {@code mfa.user-requirements}, in order per user, once per event id. */
@ApplicationScoped
public class UserRequirementsConsumer {

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final ProjectionService projection;

    public UserRequirementsConsumer(EventCodec codec, ProcessedEvents processed, ProjectionService projection) {
        this.codec = codec;
        this.processed = processed;
        this.projection = projection;
    }

    @Incoming(Channels.USER_REQUIREMENTS)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        return processed
                .once(Channels.CONSUMER, event.id(), () -> switch (event.type()) {
                    case EventTypes.USER_REQUIREMENT_CHANGED ->
                        projection.requirementChanged(codec.data(event, Events.UserRequirementChanged.class));
                    default -> Uni.createFrom().voidItem();
                })
                .replaceWithVoid();
    }
}
