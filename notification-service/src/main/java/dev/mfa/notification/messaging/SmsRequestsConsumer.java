package dev.mfa.notification.messaging;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.notification.service.SmsDispatcher;
import dev.mfa.notification.service.SmsIntake;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code mfa.sms-requests}: records each request (fast, one transaction with the processed-event id) and wakes the
 * dispatcher; sending happens elsewhere, so a slow provider never holds the partition. Unprocessable records go to
 * {@code mfa.sms-requests.dlq}.
 */
@ApplicationScoped
public class SmsRequestsConsumer {

    private final EventConsumer events;
    private final SmsDispatcher dispatcher;

    public SmsRequestsConsumer(
            EventCodec codec, ProcessedEvents processed, SmsIntake intake, SmsDispatcher dispatcher) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(EventTypes.SMS_REQUESTED, Events.SmsRequested.class, intake::accept)
                .build(codec, processed);
        this.dispatcher = dispatcher;
    }

    @Incoming(Channels.SMS_REQUESTS)
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
