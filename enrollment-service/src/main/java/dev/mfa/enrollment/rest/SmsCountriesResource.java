package dev.mfa.enrollment.rest;

import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.service.MyMfaService;
import dev.mfa.enrollment.service.PhoneNumbers;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code GET /sms-countries}: where this caller may receive SMS codes. */
@Path("/api/v1/sms-countries")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SmsCountriesResource {

    private final JsonWebToken jwt;
    private final MyMfaService service;

    public SmsCountriesResource(JsonWebToken jwt, MyMfaService service) {
        this.jwt = jwt;
        this.service = service;
    }

    @GET
    public Uni<List<PhoneNumbers.SmsCountry>> countries() {
        return service.smsCountries(Caller.from(jwt));
    }
}
