package dev.mfa.verification.messaging;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.verification.service.SmsChallengeService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** SMS outcomes from notification-service: an undeliverable sign-in code lifts the resend wait. */
@ApplicationScoped
public class SmsStatusConsumer {

    private final EventConsumer events;

    public SmsStatusConsumer(EventCodec codec, ProcessedEvents processed, SmsChallengeService challenges) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(EventTypes.SMS_FAILED, Events.SmsFailed.class, (e, data) -> challenges.smsFailed(data))
                .build(codec, processed);
    }

    @Incoming(Channels.SMS_STATUS)
    public Uni<Void> consume(String payload) {
        return events.consume(payload).replaceWithVoid();
    }
}
