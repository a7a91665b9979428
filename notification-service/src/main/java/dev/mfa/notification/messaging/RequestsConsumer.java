package dev.mfa.notification.messaging;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.notification.service.EmailDispatcher;
import dev.mfa.notification.service.EmailIntake;
import dev.mfa.notification.service.SmsDispatcher;
import dev.mfa.notification.service.SmsIntake;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code mfa.sms-requests} and {@code mfa.email-requests}: records each request (fast, one transaction with the
 * processed-event id) and wakes the channel's dispatcher; sending happens elsewhere, so a slow or failing provider
 * never holds the partition. Unprocessable records go to the topic's {@code .dlq}.
 */
@ApplicationScoped
public class RequestsConsumer {

    private final EventConsumer sms;
    private final EventConsumer email;
    private final SmsDispatcher smsDispatcher;
    private final EmailDispatcher emailDispatcher;

    public RequestsConsumer(
            EventCodec codec,
            ProcessedEvents processed,
            SmsIntake smsIntake,
            EmailIntake emailIntake,
            SmsDispatcher smsDispatcher,
            EmailDispatcher emailDispatcher) {
        this.sms = EventConsumer.named(Channels.CONSUMER)
                .on(EventTypes.SMS_REQUESTED, Events.SmsRequested.class, smsIntake::accept)
                .build(codec, processed);
        this.email = EventConsumer.named(Channels.CONSUMER)
                .on(EventTypes.EMAIL_REQUESTED, Events.EmailRequested.class, emailIntake::accept)
                .build(codec, processed);
        this.smsDispatcher = smsDispatcher;
        this.emailDispatcher = emailDispatcher;
    }

    @Incoming(Channels.SMS_REQUESTS)
    public Uni<Void> consumeSms(String payload) {
        return consume(sms, payload, smsDispatcher::wake);
    }

    @Incoming(Channels.EMAIL_REQUESTS)
    public Uni<Void> consumeEmail(String payload) {
        return consume(email, payload, emailDispatcher::wake);
    }

    private static Uni<Void> consume(EventConsumer events, String payload, Runnable wake) {
        return events.consume(payload)
                .invoke(ran -> {
                    if (ran) {
                        wake.run();
                    }
                })
                .replaceWithVoid();
    }
}
