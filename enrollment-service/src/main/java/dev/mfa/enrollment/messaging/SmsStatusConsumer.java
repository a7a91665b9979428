package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.service.EnrollmentService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** SMS outcomes from notification-service: an undeliverable enrollment code lifts the resend wait. */
@ApplicationScoped
public class SmsStatusConsumer {

    private final EventConsumer events;

    public SmsStatusConsumer(EventCodec codec, ProcessedEvents processed, EnrollmentService enrollments) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(EventTypes.SMS_FAILED, Events.SmsFailed.class, (event, failed) -> enrollments.smsFailed(failed))
                .build(codec, processed);
    }

    @Incoming(Channels.SMS_STATUS)
    public Uni<Void> consume(String payload) {
        return events.consume(payload).replaceWithVoid();
    }
}
