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

/** Users' MFA requirements from {@code mfa.user-requirements}, in order per user, once per event id. */
@ApplicationScoped
public class UserRequirementsConsumer {

    private final EventConsumer events;

    public UserRequirementsConsumer(EventCodec codec, ProcessedEvents processed, ProjectionService projection) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(
                        EventTypes.USER_REQUIREMENT_CHANGED,
                        Events.UserRequirementChanged.class,
                        (e, data) -> projection.requirementChanged(data))
                .build(codec, processed);
    }

    @Incoming(Channels.USER_REQUIREMENTS)
    public Uni<Void> consume(String payload) {
        return events.consume(payload).replaceWithVoid();
    }
}
