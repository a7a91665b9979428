package dev.mfa.scheduler.rest;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.scheduler.domain.OrgDeadline;
import dev.mfa.scheduler.repository.DeadlineTriggerRepository;
import dev.mfa.scheduler.repository.OrgDeadlineRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
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
    private final OrgDeadlineRepository orgs;
    private final DeadlineTriggerRepository triggers;

    public DeadlineResource(JsonWebToken jwt, OrgDeadlineRepository orgs, DeadlineTriggerRepository triggers) {
        this.jwt = jwt;
        this.orgs = orgs;
        this.triggers = triggers;
    }

    @GET
    @Path("{orgId}")
    @WithSession
    @Operation(summary = "The org's enforcement deadline and its planned and fired events (org-admin of that org)")
    @APIResponse(responseCode = "200", description = "The stored policy and every event with its id and outcome")
    @APIResponse(responseCode = "404", description = "Another org, or no policy known for this org")
    public Uni<DeadlineView> get(@PathParam("orgId") String orgId) {
        Caller.from(jwt).requireAdminOf(orgId);
        return orgs.find(orgId).flatMap(org -> {
            if (org == null || org.policyVersion == OrgDeadline.NO_VERSION) {
                throw ProblemException.notFound("No MFA policy is known for this organization.");
            }
            return triggers.listByOrg(orgId).map(list -> DeadlineView.of(org, list));
        });
    }
}
