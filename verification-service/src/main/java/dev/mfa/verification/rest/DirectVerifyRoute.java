package dev.mfa.verification.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.mfa.core.problem.ProblemMappers;
import dev.mfa.core.problem.VertxProblems;
import dev.mfa.core.security.Caller;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.security.VerifiedTokens;
import dev.mfa.verification.service.VerificationMetrics;
import dev.mfa.verification.service.VerificationService;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A sign-in's verify ({@code POST /api/v1/challenges/{id}/verify}, CONTRACT §4) answered on Vert.x in front of
 * {@link ChallengeResource}, for a caller whose access token this replica verified moments ago: a sign-in's verify
 * follows its own {@code POST /challenges} with the same token. Issue 16: the per-request work of RESTEasy Reactive
 * and Quarkus security is 13 % of a verify's CPU.
 *
 * <p>It decides from the request line and headers alone, and hands any request it does not take to the resource
 * unread: RESTEasy Reactive cannot read a body another route has read (quarkusio/quarkus#14100). It takes a request
 * only when the resource would run the same checks on it: the token is one {@link VerifiedTokens} holds (verified,
 * audience and issuer checked, not expired), the id is a UUID, the body is declared JSON of a bounded length and the
 * caller accepts JSON. Every request it takes it answers in full, with what the resource answers: {@link
 * VerifyAnswers} for the outcomes and the request's checks, {@link ProblemMappers#problemFor} for every failure, and
 * {@link NoStoreFilter}'s headers. {@code DirectVerifyRouteIT} compares the two case by case.
 *
 * <p>The contract's passkey verify and {@code rememberDevice} go into {@link Dtos.VerifyRequest}, {@link
 * VerifyAnswers} and the service, which both ways share (a passkey's credential is mostly over {@link
 * #MAX_BODY_BYTES} and goes to the resource anyway); a case of them belongs in {@code DirectVerifyRouteIT}.
 */
@ApplicationScoped
public class DirectVerifyRoute {

    static final String PATH = "/api/v1/challenges/:id/verify";
    /** Ten times a well-formed request; a longer body goes to the resource. */
    static final int MAX_BODY_BYTES = 1024;

    private static final String BEARER = "Bearer ";
    private static final String JSON = "application/json";
    /** As RESTEasy Reactive writes a JSON entity with no media type of its own. */
    private static final String JSON_UTF8 = "application/json;charset=UTF-8";

    private final VerifiedTokens tokens;
    private final VerificationService verification;
    private final VerificationMetrics metrics;
    private final ObjectMapper mapper;
    private final boolean enabled;
    private final LongAdder taken = new LongAdder();

    public DirectVerifyRoute(
            VerifiedTokens tokens,
            VerificationService verification,
            VerificationMetrics metrics,
            ObjectMapper mapper,
            @ConfigProperty(name = "mfa.verification.direct-verify.enabled", defaultValue = "true") boolean enabled) {
        this.tokens = tokens;
        this.verification = verification;
        this.metrics = metrics;
        this.mapper = mapper;
        this.enabled = enabled;
    }

    void register(@Observes Router router) {
        if (enabled) {
            // Before the resource's route (RESTEasy Reactive's order is above ROUTE_ORDER_DEFAULT), after the body
            // size check and the security filters (negative orders).
            router.post(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
        }
    }

    /** How many verifies this route answered (the rest went to the resource). */
    public long taken() {
        return taken.sum();
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        JsonWebToken jwt = acceptsAndDeclaresJson(request) ? cachedToken(request) : null;
        UUID challengeId = jwt == null ? null : challengeId(ctx.pathParam("id"));
        if (challengeId == null) {
            ctx.next();
            return;
        }
        taken.increment();
        long start = System.nanoTime();
        request.body().onComplete(read -> {
            if (read.succeeded()) {
                answer(ctx, jwt, challengeId, read.result(), start);
            } else {
                sendProblem(ctx, read.cause());
            }
        });
        // Quarkus pauses every request until a route reads it (as Vert.x Web's BodyHandler resumes it).
        request.resume();
    }

    private void answer(RoutingContext ctx, JsonWebToken jwt, UUID challengeId, Buffer body, long start) {
        Caller caller;
        Method method;
        String code;
        try {
            // In the resource's order: the body is read before the method runs, then the caller, then the fields.
            Dtos.VerifyRequest request = read(body);
            caller = Caller.from(jwt);
            method = VerifyAnswers.methodOf(request);
            code = request.code().trim();
        } catch (RuntimeException | IOException e) {
            sendProblem(ctx, e);
            return;
        }
        verification
                .verify(caller, challengeId, method, code)
                .subscribe()
                .with(
                        outcome -> {
                            metrics.record(method, outcome, start);
                            VerifyAnswers.Answer answer;
                            try {
                                answer = VerifyAnswers.answer(outcome);
                            } catch (RuntimeException e) {
                                sendProblem(ctx, e);
                                return;
                            }
                            send(ctx, answer);
                        },
                        failure -> sendProblem(ctx, failure));
    }

    /**
     * The body as the resource is given it: no body, or one with no JSON value in it (whitespace), is null, as
     * RESTEasy Reactive's Jackson reader makes it (it recognises Jackson's "No content" exception the same way).
     */
    private Dtos.VerifyRequest read(Buffer body) throws IOException {
        if (body.length() == 0) {
            return null;
        }
        try {
            return mapper.readValue(body.getBytes(), Dtos.VerifyRequest.class);
        } catch (MismatchedInputException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No content")) {
                return null;
            }
            throw e;
        }
    }

    private void send(RoutingContext ctx, VerifyAnswers.Answer answer) {
        if (gone(ctx)) {
            return;
        }
        String entity;
        try {
            entity = mapper.writeValueAsString(answer.entity());
        } catch (JsonProcessingException e) {
            sendProblem(ctx, e);
            return;
        }
        HttpServerResponse response = noStore(ctx.response())
                .setStatusCode(answer.status())
                .putHeader(HttpHeaderNames.CONTENT_TYPE, answer.mediaType() == null ? JSON_UTF8 : answer.mediaType());
        if (answer.retryAfterSeconds() != null) {
            response.putHeader(
                    HttpHeaderNames.RETRY_AFTER, answer.retryAfterSeconds().toString());
        }
        response.end(entity);
    }

    private void sendProblem(RoutingContext ctx, Throwable failure) {
        if (gone(ctx)) {
            return; // the caller left (a body never finished, say): nobody to answer, nothing to log
        }
        VertxProblems.send(noStore(ctx.response()), ProblemMappers.problemFor(failure), mapper);
    }

    private static boolean gone(RoutingContext ctx) {
        return ctx.response().ended() || ctx.response().closed();
    }

    private static HttpServerResponse noStore(HttpServerResponse response) {
        return response.putHeader(HttpHeaderNames.CACHE_CONTROL, NoStoreFilter.CACHE_CONTROL)
                .putHeader(HttpHeaderNames.PRAGMA, NoStoreFilter.PRAGMA);
    }

    /** The verified token the caller brings, when this replica holds it; null otherwise. */
    private JsonWebToken cachedToken(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || authorization.length() <= BEARER.length() || !authorization.startsWith(BEARER)) {
            return null;
        }
        return tokens.get(authorization.substring(BEARER.length()));
    }

    /**
     * A JSON body of a declared, bounded length (so nothing is read to decide), and an {@code Accept} the resource
     * answers without negotiating: none, or a plain list naming JSON. Anything else (parameters, q-values, other
     * charsets, a chunked body) goes to the resource.
     */
    private static boolean acceptsAndDeclaresJson(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        String type = request.getHeader(HttpHeaderNames.CONTENT_TYPE);
        if (length == null || type == null || request.getHeader(HttpHeaderNames.TRANSFER_ENCODING) != null) {
            return false;
        }
        try {
            long declared = Long.parseLong(length);
            if (declared < 0 || declared > MAX_BODY_BYTES) {
                return false;
            }
        } catch (NumberFormatException e) {
            return false;
        }
        String mediaType = type.trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(JSON) && !mediaType.replace(" ", "").equals(JSON + ";charset=utf-8")) {
            return false;
        }
        String accept = request.getHeader(HttpHeaderNames.ACCEPT);
        if (accept == null) {
            return true;
        }
        if (accept.indexOf(';') >= 0) {
            return false;
        }
        for (String range : accept.split(",")) {
            String r = range.trim().toLowerCase(Locale.ROOT);
            if (r.equals("*/*") || r.equals("application/*") || r.equals(JSON)) {
                return true;
            }
        }
        return false;
    }

    /** The challenge id, or null when the path segment is not one (the resource answers it 404). */
    private static UUID challengeId(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
