package dev.mfa.verification.bench;

import dev.mfa.core.security.Caller;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.rest.Dtos;
import dev.mfa.verification.service.VerificationMetrics;
import dev.mfa.verification.service.VerificationService;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * BENCHMARK ONLY (test sources, never in the service): the TOTP verify answered by a bare Vert.x route instead of
 * RESTEasy Reactive and Quarkus security, with the same work otherwise: the bearer token through the same parser (and
 * its cache), {@code Caller.from}, {@link VerificationService#verify}, the metrics and the same JSON answer. It
 * measures what the framework costs per verify, to tell whether answering outside it is worth its price (issue 16's
 * floor ratio). Any failure answers 500: the benchmark counts only 2xx.
 */
@ApplicationScoped
public class BareVerifyRoute {

    private final JWTParser parser;
    private final VerificationService verification;
    private final VerificationMetrics metrics;

    public BareVerifyRoute(JWTParser parser, VerificationService verification, VerificationMetrics metrics) {
        this.parser = parser;
        this.verification = verification;
        this.metrics = metrics;
    }

    void register(@Observes Router router) {
        router.post("/bench/route/challenges/:id/verify")
                .handler(BodyHandler.create().setBodyLimit(1024))
                .handler(this::verify);
    }

    private void verify(RoutingContext ctx) {
        long start = System.nanoTime();
        try {
            String authorization = ctx.request().getHeader("Authorization");
            JsonWebToken jwt = parser.parse(authorization.substring("Bearer ".length()));
            Caller caller = Caller.from(jwt);
            JsonObject body = ctx.body().asJsonObject();
            UUID challengeId = UUID.fromString(ctx.pathParam("id"));
            verification
                    .verify(caller, challengeId, Method.TOTP, body.getString("code"))
                    .subscribe()
                    .with(
                            outcome -> {
                                metrics.record(Method.TOTP, outcome, start);
                                if (outcome instanceof VerificationService.Verified v) {
                                    ctx.response()
                                            .putHeader("Content-Type", "application/json")
                                            .putHeader("Cache-Control", "no-store")
                                            .end(Json.encode(
                                                    new Dtos.Verified(true, v.assertion(), v.recoveryCodeUsed())));
                                } else {
                                    ctx.response().setStatusCode(401).end();
                                }
                            },
                            failure -> ctx.response().setStatusCode(500).end());
        } catch (Exception e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}
