package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.service.PolicyService;
import dev.mfa.enrollment.service.RequirementService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The enforcement switch: {@code mfa.deadline.reached} enforces the org (one transaction, with the event id), then
 * switches its users in bounded batches. A duplicate is dropped by id; a switch cut short by a crash is finished
 * by {@link RequirementService}'s resync job.
 */
@ApplicationScoped
public class DeadlinesConsumer {

    public static final String REASON = "deadline-reached";

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final PolicyService policies;
    private final RequirementService requirements;

    public DeadlinesConsumer(EventCodec codec, ProcessedEvents processed, PolicyService policies,
                             RequirementService requirements) {
        this.codec = codec;
        this.processed = processed;
        this.policies = policies;
        this.requirements = requirements;
    }

    @Incoming(Channels.DEADLINES)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        if (!EventTypes.DEADLINE_REACHED.equals(event.type())) {
            return processed.once(Channels.CONSUMER, event.id(), () -> Uni.createFrom().voidItem()).replaceWithVoid();
        }
        Events.DeadlineReached data = codec.data(event, Events.DeadlineReached.class);
        if (data.orgId() == null || data.orgId().isBlank()) {
            throw new EventCodec.EventFormatException("mfa.deadline.reached lacks orgId", null);
        }
        AtomicBoolean enforce = new AtomicBoolean();
        return processed.once(Channels.CONSUMER, event.id(), () -> policies.deadlineReached(data)
                        .invoke(enforce::set))
                .flatMap(first -> first && enforce.get()
                        ? requirements.reconcile(data.orgId(), REASON).replaceWithVoid()
                        : Uni.createFrom().voidItem());
    }
}
