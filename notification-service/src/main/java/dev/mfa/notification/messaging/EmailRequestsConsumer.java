package dev.mfa.notification.messaging;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
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

    private final EventConsumer events;
    private final EmailDispatcher dispatcher;

    public EmailRequestsConsumer(
            EventCodec codec, ProcessedEvents processed, EmailIntake intake, EmailDispatcher dispatcher) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(EventTypes.EMAIL_REQUESTED, Events.EmailRequested.class, intake::accept)
                .build(codec, processed);
        this.dispatcher = dispatcher;
    }

    @Incoming(Channels.EMAIL_REQUESTS)
    public Uni<Void> consume(String payload) {
        return events.consume(payload)
                .invoke(ran -> {
                    if (ran) {
                        dispatcher.wake();
                    }
                })
                .replaceWithVoid();
    }
}
