package dev.mfa.notification.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
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

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final SmsIntake intake;
    private final SmsDispatcher dispatcher;

    public SmsRequestsConsumer(EventCodec codec, ProcessedEvents processed, SmsIntake intake, SmsDispatcher dispatcher) {
        this.codec = codec;
        this.processed = processed;
        this.intake = intake;
        this.dispatcher = dispatcher;
    }

    @Incoming(Channels.SMS_REQUESTS)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        return processed.once(Channels.CONSUMER, event.id(), () -> switch (event.type()) {
                    case EventTypes.SMS_REQUESTED -> intake.accept(event, codec.data(event, Events.SmsRequested.class));
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
