package dev.mfa.verification.rest;

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
        Method method = VerifyAnswers.methodOf(body);
        return verification
                .verify(caller, challengeId, method, body.code().trim())
                .map(outcome -> {
                    metrics.record(method, outcome, start);
                    VerifyAnswers.Answer answer = VerifyAnswers.answer(outcome);
                    Response.ResponseBuilder rb =
                            Response.status(answer.status()).entity(answer.entity());
                    if (answer.mediaType() != null) {
                        rb.type(answer.mediaType());
                    }
                    if (answer.retryAfterSeconds() != null) {
                        rb.header(HttpHeaders.RETRY_AFTER, answer.retryAfterSeconds());
                    }
                    return rb.build();
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
