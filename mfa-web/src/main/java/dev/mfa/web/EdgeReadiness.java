package dev.mfa.web;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the dev sign-in (if on) can read its key and password file; upstream outages show as 502s instead. */
@Readiness
@ApplicationScoped
public class EdgeReadiness implements HealthCheck {

    private final DevIdentityProvider devIdp;

    public EdgeReadiness(DevIdentityProvider devIdp) {
        this.devIdp = devIdp;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("mfa-web").status(devIdp.ready()).build();
    }
}
