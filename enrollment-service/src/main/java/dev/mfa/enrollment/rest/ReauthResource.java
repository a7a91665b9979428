package dev.mfa.enrollment.rest;

import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.service.MembershipService;
import dev.mfa.enrollment.service.ReauthService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code POST /me/reauth}: the current password for a short-lived token that unlocks MFA changes. */
@Path("/api/v1/me/reauth")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ReauthResource {

    private final JsonWebToken jwt;
    private final ReauthService reauth;
    private final MembershipService members;

    public ReauthResource(JsonWebToken jwt, ReauthService reauth, MembershipService members) {
        this.members = members;
        this.jwt = jwt;
        this.reauth = reauth;
    }

    @POST
    public Uni<ReauthService.Issued> reauth(Requests.ReauthRequest request) {
        Caller caller = Caller.from(jwt);
        String password = Requests.password(request);
        return members.requireMember(caller).flatMap(i -> reauth.reauthenticate(caller.userId(), password));
    }
}
