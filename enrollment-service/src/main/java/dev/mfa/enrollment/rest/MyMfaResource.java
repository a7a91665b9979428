package dev.mfa.enrollment.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mfa.core.problem.Problem;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.service.EnrollmentService;
import dev.mfa.enrollment.service.FactorService;
import dev.mfa.enrollment.service.MembershipService;
import dev.mfa.enrollment.service.MyMfaService;
import dev.mfa.enrollment.service.PhoneNumbers;
import dev.mfa.enrollment.service.PolicyService;
import dev.mfa.enrollment.service.StepUpService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller's own MFA: status, enrollment ceremonies, factors and recovery code (CONTRACT §3). */
@Path("/api/v1/me/mfa")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MyMfaResource {

    public static final String REAUTH_HEADER = "X-Reauth-Token";
    public static final String ASSERTION_HEADER = "X-MFA-Assertion";

    private final JsonWebToken jwt;
    private final StepUpService stepUp;
    private final EnrollmentService enrollments;
    private final FactorService factors;
    private final PolicyService policies;
    private final PhoneNumbers phones;
    private final MyMfaService status;
    private final MembershipService members;

    public MyMfaResource(
            JsonWebToken jwt,
            StepUpService stepUp,
            EnrollmentService enrollments,
            FactorService factors,
            PolicyService policies,
            PhoneNumbers phones,
            MyMfaService status,
            MembershipService members) {
        this.members = members;
        this.jwt = jwt;
        this.stepUp = stepUp;
        this.enrollments = enrollments;
        this.factors = factors;
        this.policies = policies;
        this.phones = phones;
        this.status = status;
    }

    @GET
    public Uni<MyMfaService.Status> status() {
        Caller caller = Caller.from(jwt);
        return members.requireMember(caller).flatMap(i -> status.status(caller));
    }

    @POST
    @Path("/authenticator-app")
    public Uni<Response> startAuthenticatorApp(
            @HeaderParam(REAUTH_HEADER) String reauthToken, @HeaderParam(ASSERTION_HEADER) String assertion) {
        Caller caller = Caller.from(jwt);
        return members.requireMember(caller)
                .flatMap(m -> stepUp.authorize(
                        caller,
                        reauthToken,
                        assertion,
                        steppedUp -> requireMethod(caller, Method.TOTP)
                                .flatMap(i -> enrollments.startTotp(caller, steppedUp))))
                .map(started ->
                        Response.status(Response.Status.CREATED).entity(started).build());
    }

    @GET
    @Path("/enrollments/{id}/qr.png")
    @Produces("image/png")
    public Uni<Response> qr(@PathParam("id") String id, @HeaderParam(REAUTH_HEADER) String reauthToken) {
        Caller caller = Caller.from(jwt);
        var enrollmentId = Requests.id(id, "enrollment");
        // The QR code holds the pending secret: as the start call that returned it, it needs the reauth token.
        return members.requireMember(caller)
                .flatMap(m -> stepUp.requireReauth(caller, reauthToken))
                .flatMap(m -> enrollments.qrPng(caller, enrollmentId))
                .map(png -> Response.ok(png, "image/png")
                        .header("Cache-Control", "no-store")
                        .build());
    }

    @POST
    @Path("/sms")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> startSms(
            @HeaderParam(REAUTH_HEADER) String reauthToken,
            @HeaderParam(ASSERTION_HEADER) String assertion,
            Requests.SmsRequest request) {
        Caller caller = Caller.from(jwt);
        Requests.SmsRequest body = Requests.body(request);
        return members.requireMember(caller)
                .flatMap(m -> stepUp.authorize(
                        caller,
                        reauthToken,
                        assertion,
                        steppedUp -> requireMethod(caller, Method.SMS)
                                .flatMap(i -> enrollments.startSms(
                                        caller,
                                        phones.validate(caller, body.countryCode(), body.phoneNumber()),
                                        steppedUp))))
                .map(started ->
                        Response.status(Response.Status.CREATED).entity(started).build());
    }

    @POST
    @Path("/enrollments/{id}/resend")
    public Uni<Response> resend(@PathParam("id") String id) {
        Caller caller = Caller.from(jwt);
        var enrollmentId = Requests.id(id, "enrollment");
        return members.requireMember(caller)
                .flatMap(m -> enrollments.resend(caller, enrollmentId))
                .map(at -> Response.accepted(Map.of("resendAvailableAt", at)).build());
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConfirmResponse(FactorService.FactorView factor, String recoveryCode) {
        @Override
        public String toString() {
            return "ConfirmResponse[" + factor.factorId() + "]";
        }
    }

    @POST
    @Path("/enrollments/{id}/confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ConfirmResponse> confirm(
            @PathParam("id") String id,
            @HeaderParam(ASSERTION_HEADER) String assertion,
            Requests.ConfirmRequest request) {
        Caller caller = Caller.from(jwt);
        var enrollmentId = Requests.id(id, "enrollment");
        String code = Requests.code(request);
        return members.requireMember(caller)
                .flatMap(m -> enrollments.confirm(caller, enrollmentId, code, assertion))
                .map(MyMfaResource::confirmed);
    }

    private static ConfirmResponse confirmed(EnrollmentService.ConfirmOutcome outcome) {
        if (outcome instanceof EnrollmentService.WrongCode wrong) {
            throw new ProblemException(Problem.of(
                            422,
                            "wrong-code",
                            "Wrong code",
                            wrong.attemptsRemaining() > 0
                                    ? "The code is not correct."
                                    : "The code is not correct. No attempts left: start again.")
                    .withField("code")
                    .withAttemptsRemaining(wrong.attemptsRemaining()));
        }
        var confirmed = (EnrollmentService.Confirmed) outcome;
        return new ConfirmResponse(confirmed.factor(), confirmed.recoveryCode());
    }

    @GET
    @Path("/factors")
    public Uni<List<FactorService.FactorView>> factors() {
        Caller caller = Caller.from(jwt);
        return members.requireMember(caller).flatMap(i -> factors.list(caller));
    }

    @DELETE
    @Path("/factors/{factorId}")
    public Uni<Response> deleteFactor(
            @PathParam("factorId") String factorId,
            @HeaderParam(REAUTH_HEADER) String reauthToken,
            @HeaderParam(ASSERTION_HEADER) String assertion) {
        Caller caller = Caller.from(jwt);
        var id = Requests.id(factorId, "factor");
        return members.requireMember(caller)
                .flatMap(m -> stepUp.authorize(
                        caller,
                        reauthToken,
                        assertion,
                        steppedUp ->
                                policies.find(caller.orgId()).flatMap(policy -> factors.delete(caller, id, policy))))
                .map(i -> Response.noContent().build());
    }

    public record RecoveryCodeResponse(String recoveryCode) {
        @Override
        public String toString() {
            return "RecoveryCodeResponse[***]";
        }
    }

    @POST
    @Path("/recovery-code")
    public Uni<Response> regenerateRecoveryCode(
            @HeaderParam(REAUTH_HEADER) String reauthToken, @HeaderParam(ASSERTION_HEADER) String assertion) {
        Caller caller = Caller.from(jwt);
        return members.requireMember(caller)
                .flatMap(m -> stepUp.authorize(
                        caller, reauthToken, assertion, steppedUp -> factors.regenerateRecoveryCode(caller)))
                .map(code -> Response.status(Response.Status.CREATED)
                        .entity(new RecoveryCodeResponse(code))
                        .build());
    }

    private Uni<OrgPolicy> requireMethod(Caller caller, Method method) {
        return policies.find(caller.orgId()).invoke(policy -> {
            if (!policy.allows(method)) {
                throw ProblemException.unprocessable(
                        "method-not-allowed", "Your organization does not allow this method.", null);
            }
        });
    }
}
