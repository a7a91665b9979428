package dev.mfa.verification.bench;

import dev.mfa.core.security.Caller;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.repository.FactorRepository;
import dev.mfa.verification.repository.RecoveryCodeRepository;
import dev.mfa.verification.repository.UserStateRepository;
import dev.mfa.verification.rest.Dtos;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * BENCHMARK ONLY (test sources, never in the service): {@code POST /challenges} as it was before issue 16, for
 * {@link ChallengeBenchmark}'s side-by-side run: a Hibernate Reactive transaction reading the factors, locking (or
 * creating) the state row, reading the recovery code, counting the hour's challenges and inserting the challenge.
 * Users with factors only (the benchmark's), limit and answer body as the service's.
 */
@Path("/bench/challenges-before")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class LegacyChallengeResource {

    private static final int MAX_PER_HOUR = 30;

    private final JsonWebToken jwt;
    private final FactorRepository factors;
    private final UserStateRepository users;
    private final RecoveryCodeRepository recoveryCodes;
    private final Clock clock;

    public LegacyChallengeResource(
            JsonWebToken jwt,
            FactorRepository factors,
            UserStateRepository users,
            RecoveryCodeRepository recoveryCodes,
            Clock clock) {
        this.jwt = jwt;
        this.factors = factors;
        this.users = users;
        this.recoveryCodes = recoveryCodes;
        this.clock = clock;
    }

    @POST
    @WithTransaction
    public Uni<Response> create() {
        Caller caller = Caller.from(jwt);
        Instant now = clock.instant();
        return factors.ofUser(caller.userId())
                .flatMap(userFactors -> users.lock(caller.userId(), caller.orgId(), now)
                        .flatMap(state -> recoveryCodes.find(caller.userId()))
                        .flatMap(code -> Panache.getSession()
                                .flatMap(s -> s.createSelectionQuery(
                                                "select count(*), min(createdAt) from Challenge "
                                                        + "where userId = :user and createdAt > :since",
                                                Object[].class)
                                        .setParameter("user", caller.userId())
                                        .setParameter("since", now.minus(Duration.ofHours(1)))
                                        .getSingleResult())
                                .flatMap(recent -> {
                                    if (((Number) recent[0]).longValue() >= MAX_PER_HOUR) {
                                        return Uni.createFrom()
                                                .item(Response.status(429).build());
                                    }
                                    List<Method> methods = new ArrayList<>();
                                    if (userFactors.stream().anyMatch(f -> Factor.TOTP.equals(f.method))) {
                                        methods.add(Method.TOTP);
                                    }
                                    if (code != null && code.usedAt == null) {
                                        methods.add(Method.RECOVERY_CODE);
                                    }
                                    Challenge c = new Challenge();
                                    c.challengeId = UUID.randomUUID();
                                    c.userId = caller.userId();
                                    c.orgId = caller.orgId();
                                    c.methods = Challenge.join(methods);
                                    c.createdAt = now;
                                    c.expiresAt = now.plus(Duration.ofMinutes(5));
                                    return Panache.getSession()
                                            .flatMap(s -> s.persist(c))
                                            .replaceWith(() -> Response.status(201)
                                                    .entity(new Dtos.ChallengeCreated(
                                                            c.challengeId, methods, null, c.expiresAt))
                                                    .build());
                                })));
    }
}
