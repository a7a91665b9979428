package dev.mfa.scheduler.rest;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.scheduler.service.DeadlineService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Read-only operations view for an org's admin: the org's deadline and its planned and fired events. */
@Path("/api/v1/deadlines")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operations", description = "Read-only views for org admins and operators")
public class DeadlineResource {

    private final JsonWebToken jwt;
    private final DeadlineService deadlines;

    public DeadlineResource(JsonWebToken jwt, DeadlineService deadlines) {
        this.jwt = jwt;
        this.deadlines = deadlines;
    }

    @GET
    @Path("{orgId}")
    @Operation(summary = "The org's enforcement deadline and its planned and fired events (org-admin of that org)")
    @APIResponse(responseCode = "200", description = "The stored policy and every event with its id and outcome")
    @APIResponse(responseCode = "404", description = "Another org, or no policy known for this org")
    public Uni<DeadlineView> get(@PathParam("orgId") String orgId) {
        Caller.from(jwt).requireAdminOf(orgId);
        return deadlines.schedule(orgId).map(schedule -> {
            if (schedule == null) {
                throw ProblemException.notFound("No MFA policy is known for this organization.");
            }
            return DeadlineView.of(schedule.org(), schedule.triggers());
        });
    }
}
