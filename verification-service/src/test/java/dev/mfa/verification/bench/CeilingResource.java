package dev.mfa.verification.bench;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.repository.VerificationStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * BENCHMARK ONLY (test sources, never in the service): the ceiling of this stack, one HTTP call doing one single-row
 * UPDATE, once through the bare reactive client and once through Hibernate Reactive as the service does; and the
 * database floor of a verification, the same two round trips and rows a TOTP success writes (the outbox event
 * included) with no token check, no crypto and no code check, which bounds what any verification can reach here.
 */
@Path("/bench")
@PermitAll
public class CeilingResource {

    static final String UPDATE = "update bench_row set n = n + 1 where id = ";

    private final Pool pool;
    private final VerificationStore store;
    private final EventCodec codec;
    private final Outbox outbox;
    private final Clock clock;
    /** Far beyond any real TOTP step, so that the floor's conditional step update always applies. */
    private final AtomicLong nextStep = new AtomicLong(Long.MAX_VALUE / 2);

    public CeilingResource(Pool pool, VerificationStore store, EventCodec codec, Outbox outbox, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.codec = codec;
        this.outbox = outbox;
        this.clock = clock;
    }

    @POST
    @Path("ceiling/{id}")
    public Uni<Response> ceiling(@PathParam("id") int id) {
        return pool.preparedQuery(UPDATE + "$1").execute(Tuple.of(id))
                .map(rows -> Response.noContent().build());
    }

    @POST
    @Path("ceiling-hr/{id}")
    public Uni<Response> ceilingHibernate(@PathParam("id") int id) {
        return Panache.withTransaction(() -> Panache.getSession().flatMap(s -> s.createNativeQuery(UPDATE + ":id")
                        .setParameter("id", id).executeUpdate()))
                .map(n -> Response.noContent().build());
    }

    /** The two round trips of a TOTP success (locking read; step update, challenge, outbox event, commit). */
    @POST
    @Path("verify-sql/{userId}/{challengeId}")
    public Uni<Response> verifySql(@PathParam("userId") String userId, @PathParam("challengeId") UUID challengeId) {
        Instant now = clock.instant();
        return store.attempt(userId, null, challengeId, Method.TOTP, now, open -> {
            VerificationStore.Attempt a = open.attempt();
            UUID factorId = a.totpFactors().get(0).factorId();
            CloudEvent event = codec.wrap(outbox.source(), new Events.VerificationSucceeded(challengeId, userId,
                    a.orgId(), Method.TOTP.name(), factorId, now), now);
            VerificationStore.OutboxRow row = new VerificationStore.OutboxRow(event.id(), Topics.VERIFICATIONS,
                    event.subject(), event.type(), codec.encode(event), true);
            return open.finish(userId, challengeId, now, new VerificationStore.Outcome(Method.TOTP, factorId,
                    nextStep.incrementAndGet(), 1, null, false, List.of(row)));
        }).map(accepted -> accepted ? Response.noContent().build() : Response.status(409).build());
    }
}
