package dev.mfa.enrollment.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * {@code Cache-Control: no-store} on every answer under {@code /api/v1/me}: several carry a secret, code or token
 * (reauth token, TOTP secret and QR code, recovery code), and none of them is worth caching by a browser or proxy.
 */
public class NoStoreFilter {

    static final String PREFIX = "/api/v1/me";

    @ServerResponseFilter
    public void noStore(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (path != null && (path.equals(PREFIX) || path.startsWith(PREFIX + "/"))) {
            response.getHeaders().putSingle("Cache-Control", "no-store");
        }
    }
}
