package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.service.EnrollmentService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** SMS outcomes from notification-service: an undeliverable enrollment code lifts the resend wait. */
@ApplicationScoped
public class SmsStatusConsumer {

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final EnrollmentService enrollments;

    public SmsStatusConsumer(EventCodec codec, ProcessedEvents processed, EnrollmentService enrollments) {
        this.codec = codec;
        this.processed = processed;
        this.enrollments = enrollments;
    }

    @Incoming(Channels.SMS_STATUS)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        return processed
                .once(Channels.CONSUMER, event.id(), () -> switch (event.type()) {
                    case EventTypes.SMS_FAILED -> enrollments.smsFailed(codec.data(event, Events.SmsFailed.class));
                    default -> Uni.createFrom().voidItem();
                })
                .replaceWithVoid();
    }
}
