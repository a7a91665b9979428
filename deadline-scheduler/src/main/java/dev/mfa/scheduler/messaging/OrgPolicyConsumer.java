package dev.mfa.scheduler.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.scheduler.service.DeadlineClaimer;
import dev.mfa.scheduler.service.DeadlineService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/** Org policies from {@code mfa.org-policies}; duplicates are dropped by event id, stale versions by version. */
@ApplicationScoped
public class OrgPolicyConsumer {

    private static final Logger LOG = Logger.getLogger(OrgPolicyConsumer.class);

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final DeadlineService deadlines;
    private final DeadlineClaimer claimer;

    public OrgPolicyConsumer(EventCodec codec, ProcessedEvents processed, DeadlineService deadlines,
                             DeadlineClaimer claimer) {
        this.codec = codec;
        this.processed = processed;
        this.deadlines = deadlines;
        this.claimer = claimer;
    }

    @Incoming(Channels.ORG_POLICIES)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        AtomicBoolean dueNow = new AtomicBoolean();
        return processed.once(Channels.CONSUMER, event.id(), () -> switch (event.type()) {
                    case EventTypes.ORG_POLICY_CHANGED ->
                            deadlines.apply(codec.data(event, Events.OrgPolicyChanged.class)).invoke(dueNow::set);
                    default -> Uni.createFrom().voidItem();
                })
                // A deadline set to now fires at once, not at the next run; the run would catch it if this fails.
                .call(ran -> dueNow.get() ? claimer.drain()
                        .onFailure().invoke(e -> LOG.warnf("immediate firing failed, the next run retries: %s", e))
                        .onFailure().recoverWithNull() : Uni.createFrom().voidItem())
                .replaceWithVoid();
    }
}
