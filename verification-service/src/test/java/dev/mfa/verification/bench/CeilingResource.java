package dev.mfa.verification.bench;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.repository.VerificationRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
    private final VerificationRepository attempts;
    private final EventCodec codec;
    private final Outbox outbox;
    private final Clock clock;
    /** Far beyond any real TOTP step, so that the floor's conditional step update always applies. */
    private final AtomicLong nextStep = new AtomicLong(Long.MAX_VALUE / 2);

    public CeilingResource(Pool pool, VerificationRepository attempts, EventCodec codec, Outbox outbox, Clock clock) {
        this.pool = pool;
        this.attempts = attempts;
        this.codec = codec;
        this.outbox = outbox;
        this.clock = clock;
    }

    @POST
    @Path("ceiling/{id}")
    public Uni<Response> ceiling(@PathParam("id") int id) {
        return pool.preparedQuery(UPDATE + "$1")
                .execute(Tuple.of(id))
                .map(rows -> Response.noContent().build());
    }

    @POST
    @Path("ceiling-hr/{id}")
    public Uni<Response> ceilingHibernate(@PathParam("id") int id) {
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(s -> s.createNativeQuery(UPDATE + ":id")
                                .setParameter("id", id)
                                .executeUpdate()))
                .map(n -> Response.noContent().build());
    }

    /** The two round trips of a TOTP success (locking read; step update, challenge, outbox event, commit). */
    @POST
    @Path("verify-sql/{userId}/{challengeId}")
    public Uni<Response> verifySql(@PathParam("userId") String userId, @PathParam("challengeId") UUID challengeId) {
        Instant now = clock.instant();
        return attempts.attempt(userId, null, challengeId, Method.TOTP, now, a -> {
                    Challenge c = a.challenge();
                    UUID factorId = a.totpFactors().get(0).factorId;
                    return new VerificationRepository.Write(
                            Method.TOTP,
                            factorId,
                            nextStep.incrementAndGet(),
                            1,
                            null,
                            false,
                            List.of(new Events.VerificationSucceeded(
                                    challengeId, userId, c.orgId, Method.TOTP.name(), factorId, now)),
                            List.of());
                })
                .map(done -> done.accepted()
                        ? Response.noContent().build()
                        : Response.status(409).build());
    }

    /**
     * The same work without row locks or an explicit transaction, to see how far a lock-free design could lower the
     * floor: an autocommit read, then one autocommit statement whose user-state update (conditional on the failure
     * count read) is the optimistic check that gates the step update, the challenge and the event.
     */
    @POST
    @Path("verify-sql-optimistic/{userId}/{challengeId}")
    public Uni<Response> verifySqlOptimistic(
            @PathParam("userId") String userId, @PathParam("challengeId") UUID challengeId) {
        Instant now = clock.instant();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        return pool.preparedQuery(OPTIMISTIC_READ)
                .execute(Tuple.of(userId, challengeId))
                .flatMap(rows -> {
                    Row r = rows.iterator().next();
                    UUID factorId = r.getUUID("factor_id");
                    CloudEvent event = codec.wrap(
                            outbox.source(),
                            new Events.VerificationSucceeded(
                                    challengeId, userId, r.getString("org_id"), Method.TOTP.name(), factorId, now),
                            now);
                    Tuple args = Tuple.of(
                                    userId,
                                    challengeId,
                                    at,
                                    r.getInteger("consecutive_failures"),
                                    factorId,
                                    nextStep.incrementAndGet())
                            .addUUID(event.id())
                            .addString(Topics.VERIFICATIONS)
                            .addString(event.subject())
                            .addString(event.type())
                            .addString(codec.encode(event));
                    return pool.preparedQuery(OPTIMISTIC_WRITE).execute(args);
                })
                .map(rows -> rows.iterator().next().getBoolean(0)
                        ? Response.noContent().build()
                        : Response.status(409).build());
    }

    private static final String OPTIMISTIC_READ = "select u.consecutive_failures, u.blocked_until, u.locked_at, "
            + "c.org_id, c.methods, c.expires_at, c.completed_at, f.factor_id, f.secret_enc, f.last_used_step "
            + "from user_state u join challenge c on c.challenge_id = $2 and c.user_id = u.user_id "
            + "join factor f on f.user_id = u.user_id and f.method = 'TOTP' where u.user_id = $1";
    private static final String OPTIMISTIC_WRITE = "with st as (update user_state set updated_at = $3 "
            + "  where user_id = $1 and consecutive_failures = $4 returning 1), "
            + "accepted as (update factor set last_used_step = $6 where factor_id = $5 "
            + "  and (last_used_step is null or last_used_step < $6) and exists (select 1 from st) returning 1), "
            + "completed as (update challenge set completed_at = $3 where challenge_id = $2 and completed_at is null "
            + "  and exists (select 1 from accepted) returning 1), "
            + "events as (insert into outbox_event (id, topic, record_key, event_type, payload, created_at) "
            + "  select $7, $8, $9, $10, $11, $3 where exists (select 1 from accepted) returning 1) "
            + "select exists (select 1 from accepted)";
}
