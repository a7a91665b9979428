package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.service.RosterService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Org rosters from {@code identity.users}; duplicates are dropped by event id. */
@ApplicationScoped
public class IdentityUsersConsumer {

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final RosterService roster;

    public IdentityUsersConsumer(EventCodec codec, ProcessedEvents processed, RosterService roster) {
        this.codec = codec;
        this.processed = processed;
        this.roster = roster;
    }

    @Incoming(Channels.IDENTITY_USERS)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        return processed.once(Channels.CONSUMER, event.id(), () -> switch (event.type()) {
            case EventTypes.USER_UPSERTED -> roster.upsert(valid(codec.data(event, Events.UserUpserted.class)));
            case EventTypes.USER_REMOVED -> roster.remove(valid(codec.data(event, Events.UserRemoved.class)));
            default -> Uni.createFrom().voidItem();
        }).replaceWithVoid();
    }

    private static Events.UserUpserted valid(Events.UserUpserted u) {
        if (blank(u.userId()) || blank(u.orgId()) || u.email() == null) {
            throw new EventCodec.EventFormatException("identity.user.upserted lacks userId, orgId or email", null);
        }
        return u;
    }

    private static Events.UserRemoved valid(Events.UserRemoved u) {
        if (blank(u.userId())) {
            throw new EventCodec.EventFormatException("identity.user.removed lacks userId", null);
        }
        return u;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
