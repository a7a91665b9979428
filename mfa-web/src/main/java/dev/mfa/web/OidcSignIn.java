package dev.mfa.web;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Production sign-in (CONTRACT §7): {@code GET /login} is guarded by {@code quarkus-oidc}'s authorization-code flow
 * (an HTTP permission of the prod profile), so an unknown browser is sent to the identity provider and comes back
 * here signed in. The edge then moves the provider's access token into its own session, exactly as the dev sign-in
 * does with the token it mints, drops quarkus-oidc's session cookie (one session, the edge's) and sends the browser
 * to the second step. The claims are read from the access token because that is what the services authorize
 * (CONTRACT §2: {@code sub}, {@code org}, {@code groups}, {@code pay}); quarkus-oidc has verified it
 * ({@code quarkus.oidc.authentication.verify-access-token}).
 */
@ApplicationScoped
public class OidcSignIn {

    /** quarkus-oidc's session cookie of the default tenant, and its chunks when the tokens do not fit in one. */
    static final String OIDC_SESSION_COOKIE = "q_session";

    /** What the edge keeps of the provider's access token. */
    record Claims(String userId, String orgId, List<String> groups, String pay, Instant expiresAt) {}

    private final SessionStore sessions;
    private final WebConfig.Oidc config;
    private final Clock clock;

    public OidcSignIn(SessionStore sessions, WebConfig config, Clock clock) {
        this.sessions = sessions;
        this.config = config.oidc();
        this.clock = clock;
    }

    boolean enabled() {
        return config.enabled();
    }

    /** The end of the code flow: the identity is there (the permission let the request through). */
    void handle(RoutingContext rc) {
        HttpServerResponse res = rc.response();
        SecurityIdentity identity = rc.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        AccessTokenCredential credential =
                identity == null || identity.isAnonymous() ? null : identity.getCredential(AccessTokenCredential.class);
        Optional<Claims> claims =
                credential == null ? Optional.empty() : claims(credential.getToken(), clock.instant());
        dropOidcSession(rc);
        if (claims.isEmpty()) {
            // No detail on purpose: what is missing in a token is nobody's business but the operator's.
            Problems.send(
                    res,
                    403,
                    "sign-in-refused",
                    "Sign-in refused",
                    "Your account cannot use this application. Ask your administrator.");
            return;
        }
        Claims c = claims.get();
        sessions.invalidate(rc.request(), res);
        sessions.create(res, c.userId(), c.orgId(), c.groups(), c.pay(), credential.getToken(), c.expiresAt());
        res.setStatusCode(302).putHeader("Location", config.landingPage()).end();
    }

    /**
     * The claims of a verified JWT access token, if it names a user and an organization and has not expired;
     * empty for an opaque or incomplete token (the services would refuse it anyway).
     */
    static Optional<Claims> claims(String accessToken, Instant now) {
        JsonObject json;
        try {
            String[] parts = accessToken.split("\\.");
            if (parts.length != 3) {
                return Optional.empty();
            }
            json = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Object sub = json.getValue("sub");
        Object org = json.getValue("org");
        Object exp = json.getValue("exp");
        if (!(sub instanceof String s)
                || s.isBlank()
                || !(org instanceof String o)
                || o.isBlank()
                || !(exp instanceof Number e)) {
            return Optional.empty();
        }
        Instant expiresAt = Instant.ofEpochSecond(e.longValue());
        if (!now.isBefore(expiresAt)) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>();
        if (json.getValue("groups") instanceof JsonArray array) {
            array.forEach(g -> {
                if (g instanceof String name) {
                    groups.add(name);
                }
            });
        }
        Object pay = json.getValue("pay");
        return Optional.of(new Claims(s, o, groups, pay instanceof String p ? p : null, expiresAt));
    }

    /** Expires quarkus-oidc's session cookies, if the browser has any (after sign-in, and on sign-out). */
    void dropOidcSession(RoutingContext rc) {
        // Names first: the response's cookies and the request's share one jar.
        List<String> names = rc.request().cookies().stream()
                .map(Cookie::getName)
                .filter(n -> n.equals(OIDC_SESSION_COOKIE) || n.startsWith(OIDC_SESSION_COOKIE + "_chunk_"))
                .toList();
        names.forEach(n -> rc.response()
                .addCookie(Cookie.cookie(n, "").setPath("/").setMaxAge(0).setHttpOnly(true)));
    }
}
