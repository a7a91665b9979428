package dev.mfa.verification.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every API answer of this service may carry an assertion, a device token or a user's sign-in state: no browser,
 * proxy or gateway cache may keep it (RFC 9111 {@code no-store}).
 */
public class NoStoreFilter {

    /** The headers' values, also written by {@link DirectVerifyRoute}, which answers beside this filter. */
    static final String CACHE_CONTROL = "no-store";

    /** For HTTP/1.0 caches, which know no {@code Cache-Control}. */
    static final String PRAGMA = "no-cache";

    @ServerResponseFilter
    public void noStore(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getUriInfo().getPath().startsWith("/api/")) {
            response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
            response.getHeaders().putSingle("Pragma", PRAGMA);
        }
    }
}
