package dev.mfa.enrollment.rest;

import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.service.AdminService;
import dev.mfa.enrollment.service.AuditService;
import dev.mfa.enrollment.service.AvailabilityService;
import dev.mfa.enrollment.service.ExemptionService;
import dev.mfa.enrollment.service.PolicyService;
import dev.mfa.enrollment.service.StepUpService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Org admins: policy, report, reset (CONTRACT §3). Another org's id is 404, a non-admin 403. */
@Path("/api/v1/orgs/{orgId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class OrgAdminResource {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 500;
    public static final int MAX_PAGE = 1_000_000;
    static final int MAX_ID_LENGTH = 128;
    public static final String ASSERTION_HEADER = "X-MFA-Assertion";

    private final JsonWebToken jwt;
    private final PolicyService policies;
    private final AdminService admin;
    private final StepUpService stepUp;
    // Issue 18's org-admin features; field-injected to keep the constructor as it is.
    @jakarta.inject.Inject
    AvailabilityService availability;

    @jakarta.inject.Inject
    ExemptionService exemptions;

    @jakarta.inject.Inject
    AuditService audit;

    public OrgAdminResource(JsonWebToken jwt, PolicyService policies, AdminService admin, StepUpService stepUp) {
        this.stepUp = stepUp;
        this.jwt = jwt;
        this.policies = policies;
        this.admin = admin;
    }

    @GET
    @Path("/mfa-policy")
    public Uni<PolicyService.PolicyView> policy(@PathParam("orgId") String orgId) {
        Caller.from(jwt).requireAdminOf(orgId);
        return policies.view(orgId);
    }

    @PUT
    @Path("/mfa-policy")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<PolicyService.PolicyView> updatePolicy(
            @PathParam("orgId") String orgId,
            @HeaderParam(ASSERTION_HEADER) String assertion,
            Requests.PolicyRequest request) {
        Caller caller = Caller.from(jwt);
        caller.requireAdminOf(orgId);
        Requests.PolicyRequest body = Requests.body(request);
        PolicyService.PolicyInput input =
                policies.validate(body.enabled(), body.enforcementDeadline(), body.allowedMethods());
        return policies.update(orgId, input, caller, assertion);
    }

    @GET
    @Path("/mfa-report")
    public Uni<AdminService.Report> report(
            @PathParam("orgId") String orgId, @QueryParam("page") String page, @QueryParam("size") String size) {
        Caller.from(jwt).requireAdminOf(orgId);
        int p = intParam("page", page, 0, 0, MAX_PAGE);
        int s = intParam("size", size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        return admin.report(orgId, p, s);
    }

    @POST
    @Path("/users/{userId}/mfa-reset")
    public Uni<Response> reset(
            @PathParam("orgId") String orgId,
            @PathParam("userId") String userId,
            @HeaderParam(ASSERTION_HEADER) String assertion) {
        Caller caller = Caller.from(jwt);
        caller.requireAdminOf(orgId);
        if (userId == null || userId.isBlank() || userId.length() > MAX_ID_LENGTH) {
            throw dev.mfa.core.problem.ProblemException.notFound("No such user in this organization.");
        }
        return stepUp.authorizeAdmin(caller, assertion, () -> admin.reset(orgId, userId, caller.userId()))
                .map(i -> Response.noContent().build());
    }

    /** Platform operators only (the token's {@code groups} has {@code platform-operator}; it may carry no org). */
    @PUT
    @Path("/mfa-availability")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<AvailabilityService.AvailabilityView> setAvailability(
            @PathParam("orgId") String orgId, Requests.AvailabilityRequest request) {
        if (orgId.length() > MAX_ID_LENGTH) {
            throw dev.mfa.core.problem.ProblemException.notFound("No such organization.");
        }
        String operator = AvailabilityService.requireOperator(jwt, orgId);
        Boolean available = Requests.body(request).available();
        if (available == null) {
            throw Requests.invalid("available", "available is required (true or false).");
        }
        return availability.set(orgId, available, operator);
    }

    /** What the PUT of the same body would do; changes nothing and is not audited. */
    @POST
    @Path("/mfa-policy/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<PolicyService.Preview> preview(@PathParam("orgId") String orgId, Requests.PolicyRequest request) {
        Caller.from(jwt).requireAdminOf(orgId);
        Requests.PolicyRequest body = Requests.body(request);
        return policies.preview(
                orgId, policies.validate(body.enabled(), body.enforcementDeadline(), body.allowedMethods()));
    }

    @PUT
    @Path("/users/{userId}/mfa-exemption")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ExemptionService.ExemptionView> exempt(
            @PathParam("orgId") String orgId, @PathParam("userId") String userId, Requests.ExemptionRequest request) {
        Caller caller = Caller.from(jwt);
        caller.requireAdminOf(orgId);
        requireUserId(userId);
        Requests.ExemptionRequest body = Requests.body(request);
        return exemptions.grant(orgId, userId, exemptions.validate(body.until(), body.reason()), caller.userId());
    }

    @DELETE
    @Path("/users/{userId}/mfa-exemption")
    public Uni<Response> endExemption(@PathParam("orgId") String orgId, @PathParam("userId") String userId) {
        Caller caller = Caller.from(jwt);
        caller.requireAdminOf(orgId);
        requireUserId(userId);
        return exemptions
                .revoke(orgId, userId, caller.userId())
                .map(i -> Response.noContent().build());
    }

    @GET
    @Path("/mfa-audit")
    public Uni<AuditService.AuditPage> auditTrail(
            @PathParam("orgId") String orgId,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("userId") String userId,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        Caller.from(jwt).requireAdminOf(orgId);
        int p = intParam("page", page, 0, 0, MAX_PAGE);
        int s = intParam("size", size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        if (userId != null && (userId.isBlank() || userId.length() > MAX_ID_LENGTH)) {
            throw Requests.invalid("userId", "userId must be a user id.");
        }
        return audit.list(
                new AuditRepository.Filter(orgId, instantParam("from", from), instantParam("to", to), userId), p, s);
    }

    private static void requireUserId(String userId) {
        if (userId == null || userId.isBlank() || userId.length() > MAX_ID_LENGTH) {
            throw dev.mfa.core.problem.ProblemException.notFound("No such user in this organization.");
        }
    }

    private static java.time.Instant instantParam(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return java.time.Instant.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw Requests.invalid(name, name + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z.");
        }
    }

    private static int intParam(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw Requests.invalid(name, name + " must be an integer between " + min + " and " + max + ".");
    }
}
