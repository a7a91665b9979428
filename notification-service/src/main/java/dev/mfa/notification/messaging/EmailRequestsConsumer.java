package dev.mfa.notification.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.notification.service.EmailDispatcher;
import dev.mfa.notification.service.EmailIntake;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code mfa.email-requests}: records each request (fast, one transaction with the processed-event id) and wakes the
 * e-mail dispatcher; sending happens elsewhere, so an SMTP outage never holds the partition. Unprocessable records
 * go to {@code mfa.email-requests.dlq}.
 */
@ApplicationScoped
public class EmailRequestsConsumer {

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final EmailIntake intake;
    private final EmailDispatcher dispatcher;

    public EmailRequestsConsumer(EventCodec codec, ProcessedEvents processed, EmailIntake intake,
                                 EmailDispatcher dispatcher) {
        this.codec = codec;
        this.processed = processed;
        this.intake = intake;
        this.dispatcher = dispatcher;
    }

    @Incoming(Channels.EMAIL_REQUESTS)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        return processed.once(Channels.CONSUMER, event.id(), () -> switch (event.type()) {
                    case EventTypes.EMAIL_REQUESTED ->
                            intake.accept(event, codec.data(event, Events.EmailRequested.class));
                    default -> Uni.createFrom().voidItem();
                })
                .invoke(ran -> {
                    if (ran) {
                        dispatcher.wake();
                    }
                })
                .replaceWithVoid();
    }
}
