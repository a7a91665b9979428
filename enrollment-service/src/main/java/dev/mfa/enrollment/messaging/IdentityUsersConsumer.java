package dev.mfa.enrollment.messaging;

import static dev.mfa.enrollment.messaging.Required.present;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.repository.OrgAdminRepository;
import dev.mfa.enrollment.service.RosterService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Org rosters from {@code identity.users}; duplicates are dropped by event id. */
@ApplicationScoped
public class IdentityUsersConsumer {

    private static final String ORG_ADMIN = "org-admin";

    private final EventConsumer events;
    private final RosterService roster;
    private final OrgAdminRepository admins;
    private final Clock clock;

    public IdentityUsersConsumer(
            EventCodec codec, ProcessedEvents processed, RosterService roster, OrgAdminRepository admins, Clock clock) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(
                        EventTypes.USER_UPSERTED,
                        Events.UserUpserted.class,
                        (event, user) -> upsert(Required.check(
                                user,
                                present(user.userId()) && present(user.orgId()) && user.email() != null,
                                "identity.user.upserted lacks userId, orgId or email")))
                .on(
                        EventTypes.USER_REMOVED,
                        Events.UserRemoved.class,
                        (event, user) -> remove(
                                Required.check(user, present(user.userId()), "identity.user.removed lacks userId")))
                .build(codec, processed);
        this.roster = roster;
        this.admins = admins;
        this.clock = clock;
    }

    @Incoming(Channels.IDENTITY_USERS)
    public Uni<Void> consume(String payload) {
        return events.consume(payload).replaceWithVoid();
    }

    /** The roster row, and whether the user is an org admin (told of locks in the org, issue 15 #12). */
    private Uni<Void> upsert(Events.UserUpserted user) {
        boolean admin = user.groups() != null && user.groups().contains(ORG_ADMIN);
        return roster.upsert(user).flatMap(i -> admins.set(user.userId(), user.orgId(), admin, clock.instant()));
    }

    private Uni<Void> remove(Events.UserRemoved user) {
        return roster.remove(user).flatMap(i -> admins.remove(user.userId()));
    }
}
