package dev.mfa.verification.rest;

import dev.mfa.core.problem.Problem;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.service.ChallengeService;
import dev.mfa.verification.service.SmsChallengeService;
import dev.mfa.verification.service.VerificationMetrics;
import dev.mfa.verification.service.VerificationService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** CONTRACT §4: the second step of a sign-in. */
@Path("/api/v1/challenges")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ChallengeResource {

    static final String PROBLEM_BASE = "https://mfa.dev/problems/";
    /** The codes the methods accept are far shorter; anything longer is refused before any work. */
    static final int MAX_CODE_LENGTH = 64;

    private final JsonWebToken jwt;
    private final ChallengeService challenges;
    private final SmsChallengeService sms;
    private final VerificationService verification;
    private final VerificationMetrics metrics;

    public ChallengeResource(
            JsonWebToken jwt,
            ChallengeService challenges,
            SmsChallengeService sms,
            VerificationService verification,
            VerificationMetrics metrics) {
        this.jwt = jwt;
        this.challenges = challenges;
        this.sms = sms;
        this.verification = verification;
        this.metrics = metrics;
    }

    @POST
    public Uni<Response> create() {
        Caller caller = Caller.from(jwt);
        return challenges
                .create(caller)
                .map(opened -> opened.mfaRequired()
                        ? Response.status(Response.Status.CREATED)
                                .entity(new Dtos.ChallengeCreated(
                                        opened.challenge().challengeId,
                                        opened.methods(),
                                        opened.phoneMasked(),
                                        opened.challenge().expiresAt))
                                .build()
                        : Response.ok(new Dtos.NoChallenge(false)).build());
    }

    @POST
    @Path("{id}/sms")
    public Uni<Response> sendSms(@PathParam("id") String id) {
        Caller caller = Caller.from(jwt);
        return sms.send(caller, parseId(id))
                .map(next -> Response.accepted(new Dtos.SmsSent(next)).build());
    }

    @POST
    @Path("{id}/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> verify(@PathParam("id") String id, Dtos.VerifyRequest body) {
        long start = System.nanoTime();
        Caller caller = Caller.from(jwt);
        UUID challengeId = parseId(id);
        if (body == null) {
            throw ProblemException.badRequest("A body {\"method\",\"code\"} is required.");
        }
        Method method = Method.parse(body.method())
                .orElseThrow(() -> ProblemException.unprocessable(
                        "unknown-method", "method must be one of TOTP, SMS, RECOVERY_CODE.", "method"));
        if (body.code() == null || body.code().isBlank() || body.code().length() > MAX_CODE_LENGTH) {
            throw ProblemException.invalidRequest("code", "A code is required.");
        }
        return verification
                .verify(caller, challengeId, method, body.code().trim())
                .map(outcome -> {
                    metrics.record(method, outcome, start);
                    if (outcome instanceof VerificationService.Verified v) {
                        return Response.ok(new Dtos.Verified(true, v.assertion(), v.recoveryCodeUsed()))
                                .build();
                    }
                    if (outcome instanceof VerificationService.Rejected r) {
                        Response.ResponseBuilder rb = Response.status(Response.Status.UNAUTHORIZED)
                                .type(Problem.MEDIA_TYPE)
                                .entity(new Dtos.VerificationFailed(
                                        PROBLEM_BASE + "verification-failed",
                                        "Unauthorized",
                                        401,
                                        "The code is not valid.",
                                        false,
                                        r.attemptsRemaining(),
                                        r.retryAfterSeconds()));
                        if (r.retryAfterSeconds() != null) {
                            rb.header(HttpHeaders.RETRY_AFTER, r.retryAfterSeconds());
                        }
                        return rb.build();
                    }
                    if (outcome instanceof VerificationService.Throttled t) {
                        throw ProblemException.tooManyRequests(
                                "verification-throttled",
                                "Too many failed attempts: wait before trying again.",
                                t.retryAfterSeconds());
                    }
                    throw new ProblemException(Problem.of(
                            429,
                            "user-locked",
                            "Too many requests",
                            "Too many failed attempts: sign in with your recovery code, or ask your administrator to reset "
                                    + "your verification methods."));
                });
    }

    /** A malformed id cannot name a challenge: answered like any unknown one. */
    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No such challenge.");
        }
    }
}
