package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.repository.OrgAdminRepository;
import dev.mfa.enrollment.service.RosterService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Org rosters from {@code identity.users}; duplicates are dropped by event id. */
@ApplicationScoped
public class IdentityUsersConsumer {

    private static final String ORG_ADMIN = "org-admin";

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final RosterService roster;
    /** Field-injected to keep the constructor as it is (other changes in flight touch it). */
    @jakarta.inject.Inject
    OrgAdminRepository admins;

    @jakarta.inject.Inject
    java.time.Clock clock;

    public IdentityUsersConsumer(EventCodec codec, ProcessedEvents processed, RosterService roster) {
        this.codec = codec;
        this.processed = processed;
        this.roster = roster;
    }

    @Incoming(Channels.IDENTITY_USERS)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        return processed
                .once(Channels.CONSUMER, event.id(), () -> switch (event.type()) {
                    case EventTypes.USER_UPSERTED -> upsert(valid(codec.data(event, Events.UserUpserted.class)));
                    case EventTypes.USER_REMOVED -> remove(valid(codec.data(event, Events.UserRemoved.class)));
                    default -> Uni.createFrom().voidItem();
                })
                .replaceWithVoid();
    }

    /** The roster row, and whether the user is an org admin (told of locks in the org, issue 15 #12). */
    private Uni<Void> upsert(Events.UserUpserted user) {
        boolean admin = user.groups() != null && user.groups().contains(ORG_ADMIN);
        return roster.upsert(user).flatMap(i -> admins.set(user.userId(), user.orgId(), admin, clock.instant()));
    }

    private Uni<Void> remove(Events.UserRemoved user) {
        return roster.remove(user).flatMap(i -> admins.remove(user.userId()));
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
