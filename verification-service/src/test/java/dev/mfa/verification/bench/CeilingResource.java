package dev.mfa.verification.bench;

import dev.mfa.core.events.Events;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.repository.VerificationRepository;
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
 * UPDATE, once through the bare reactive client and once through Hibernate Reactive; and the database floor of a
 * verification, the same round trips and rows a TOTP success writes (the outbox event included) with no token check,
 * no crypto and no code check, which bounds what any verification can reach here: for the paths the service takes
 * ({@code verify-sql-one} on a challenge it opened, {@code verify-sql-now} on one opened elsewhere) and for the
 * locked path it took before (issue 16).
 */
@Path("/bench")
@PermitAll
public class CeilingResource {

    static final String UPDATE = "update bench_row set n = n + 1 where id = ";

    private final Pool pool;
    private final VerificationRepository attempts;
    private final Clock clock;
    /** Far beyond any real TOTP step, so that the floor's conditional step update always applies. */
    private final AtomicLong nextStep = new AtomicLong(Long.MAX_VALUE / 2);

    public CeilingResource(Pool pool, VerificationRepository attempts, Clock clock) {
        this.pool = pool;
        this.attempts = attempts;
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

    /** The locked path's two round trips for a TOTP success (locking read; step, challenge, outbox event, commit). */
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
     * The database work of a TOTP success on a challenge another replica opened: the look without locks, then the one
     * statement (step, challenge, failures, outbox event) — {@link VerificationRepository#peek} and
     * {@link VerificationRepository#tryTotp} themselves, with no token check, no crypto and no code check.
     */
    @POST
    @Path("verify-sql-now/{userId}/{challengeId}")
    public Uni<Response> verifySqlNow(@PathParam("userId") String userId, @PathParam("challengeId") UUID challengeId) {
        return attempts.peek(userId, challengeId)
                .flatMap(seen ->
                        tryTotp(userId, challengeId, seen.totpFactors().get(0).factorId, seen.challenge().orgId));
    }

    /**
     * The database work of a TOTP success on a challenge this replica opened (its factors kept from the opening): the
     * one statement alone, {@link VerificationRepository#tryTotp}.
     */
    @POST
    @Path("verify-sql-one/{userId}/{challengeId}/{factorId}")
    public Uni<Response> verifySqlOne(
            @PathParam("userId") String userId,
            @PathParam("challengeId") UUID challengeId,
            @PathParam("factorId") UUID factorId) {
        return tryTotp(userId, challengeId, factorId, "bench");
    }

    private Uni<Response> tryTotp(String userId, UUID challengeId, UUID factorId, String orgId) {
        Instant now = clock.instant();
        return attempts.tryTotp(
                        userId,
                        challengeId,
                        factorId,
                        nextStep.incrementAndGet(),
                        now,
                        new Events.VerificationSucceeded(challengeId, userId, orgId, Method.TOTP.name(), factorId, now))
                .map(tried -> tried.accepted()
                        ? Response.noContent().build()
                        : Response.status(409).build());
    }
}
