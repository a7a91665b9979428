package dev.mfa.web;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The edge's own routes on the Quarkus router: security headers and CSRF checks for everything, the dev sign-in,
 * sign-out, the session summary the pages read, and {@code /api/v1/**} handed to {@link ApiProxy}.
 * The static pages are served by Quarkus from {@code META-INF/resources}.
 */
@ApplicationScoped
public class EdgeRoutes {

    /** Every unsafe call must carry it: a cross-site form cannot set it, nor can another origin without CORS. */
    static final String CSRF_HEADER = "X-Requested-With";

    static final String CSRF_VALUE = "mfa-web";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final SessionStore sessions;
    private final DevIdentityProvider devIdp;
    private final ApiProxy proxy;
    private final OidcSignIn oidc;

    public EdgeRoutes(SessionStore sessions, DevIdentityProvider devIdp, ApiProxy proxy, OidcSignIn oidc) {
        this.sessions = sessions;
        this.devIdp = devIdp;
        this.proxy = proxy;
        this.oidc = oidc;
    }

    void routes(@Observes Router router, Vertx vertx) {
        proxy.init(vertx);
        router.route().order(-1000).handler(this::guard);
        if (oidc.enabled()) {
            // After Quarkus's authentication and authorization handlers (their HTTP permission guards GET /login),
            // so that the code flow has run and the identity is on the context.
            router.get("/login")
                    .order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT)
                    .handler(oidc::handle);
        } else {
            router.get("/login").order(-900).handler(rc -> rc.reroute("/login.html"));
        }
        router.post("/login")
                .order(-900)
                .handler(BodyHandler.create().setBodyLimit(4096))
                .handler(this::login);
        router.post("/logout").order(-900).handler(this::logout);
        router.get("/session").order(-900).handler(this::session);
        router.route("/api/*").order(-900).handler(this::api);
    }

    /** Headers on every answer (set last, so that a proxied answer cannot drop them) and the CSRF check. */
    private void guard(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String path = req.path() == null ? "" : req.path();
        boolean dynamic =
                path.startsWith("/api/") || path.equals("/login") || path.equals("/logout") || path.equals("/session");
        rc.addHeadersEndHandler(v -> {
            var h = rc.response().headers();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "no-referrer");
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Cross-Origin-Opener-Policy", "same-origin");
            h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
            if (dynamic) {
                h.set("Cache-Control", "no-store");
            } else {
                // Pages and modules are not fingerprinted: revalidate, so that an update is seen at once.
                h.set("Cache-Control", "no-cache");
            }
        });
        if (!SAFE.contains(req.method()) && !csrfOk(req)) {
            Problems.send(
                    rc.response(),
                    403,
                    "csrf",
                    "Request refused",
                    "An unsafe request must come from this site's pages.");
            return;
        }
        rc.next();
    }

    static boolean csrfOk(HttpServerRequest req) {
        if (!CSRF_VALUE.equals(req.getHeader(CSRF_HEADER))) {
            return false;
        }
        // Browsers send Origin on unsafe requests: it must be this very origin.
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = req.getHeader("Host");
        return host != null
                && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }

    private void login(RoutingContext rc) {
        HttpServerResponse res = rc.response();
        if (!devIdp.available()) {
            Problems.send(res, 404, "not-found", "Not found", "The local sign-in is not available here.");
            return;
        }
        JsonObject body;
        try {
            body = rc.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        String login = body == null ? null : body.getString("userId");
        String password = body == null ? null : body.getString("password");
        if (login == null
                || password == null
                || login.isBlank()
                || password.isEmpty()
                || login.length() > 200
                || password.length() > 1024) {
            Problems.send(res, 400, "invalid-request", "Invalid request", "Give a user name and a password.");
            return;
        }
        char[] pw = password.toCharArray();
        rc.vertx()
                .<Optional<DevIdentityProvider.User>>executeBlocking(
                        () -> {
                            try {
                                return devIdp.authenticate(login.trim(), pw);
                            } finally {
                                Arrays.fill(pw, '\0');
                            }
                        },
                        false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        Problems.send(res, 503, "unavailable", "Sign-in unavailable", "Try again in a moment.");
                        return;
                    }
                    if (ar.result().isEmpty()) {
                        Problems.send(
                                res,
                                401,
                                "invalid-credentials",
                                "Wrong user name or password",
                                "Check both and try again.");
                        return;
                    }
                    DevIdentityProvider.User u = ar.result().get();
                    sessions.invalidate(rc.request(), res);
                    Session s = sessions.create(res, u.userId(), u.orgId(), u.groups(), u.pay(), devIdp.mintToken(u));
                    json(res, 200, view(s));
                });
    }

    private void logout(RoutingContext rc) {
        sessions.invalidate(rc.request(), rc.response());
        oidc.dropOidcSession(rc);
        rc.response().setStatusCode(204).end();
    }

    private void session(RoutingContext rc) {
        Session s = sessions.find(rc.request());
        if (s == null) {
            Problems.send(rc.response(), 401, "not-signed-in", "Not signed in", "Sign in to continue.");
            return;
        }
        json(rc.response(), 200, view(s));
    }

    private void api(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String uri = req.uri();
        String path = ApiProxy.path(uri);
        if (!path.startsWith("/api/v1/") || suspicious(uri)) {
            Problems.send(rc.response(), 404, "not-found", "Not found", "No such API.");
            return;
        }
        Session s = sessions.find(req);
        if (s == null) {
            Problems.send(rc.response(), 401, "not-signed-in", "Not signed in", "Sign in to continue.");
            return;
        }
        if (s.stage() == Session.Stage.MFA_PENDING && !path.startsWith("/api/v1/challenges")) {
            Problems.send(
                    rc.response(),
                    401,
                    "mfa-pending",
                    "Second step needed",
                    "Finish signing in with your second step first.");
            return;
        }
        proxy.handle(req);
    }

    /** Dot segments, encoded slashes or dots, backslashes: the route decision must match what the service sees. */
    static boolean suspicious(String uri) {
        String u = uri.toLowerCase(Locale.ROOT);
        return u.contains("/.")
                || u.contains("%2e")
                || u.contains("%2f")
                || u.contains("%5c")
                || u.contains("\\")
                || u.contains("//");
    }

    static JsonObject view(Session s) {
        return new JsonObject()
                .put("userId", s.userId())
                .put("orgId", s.orgId())
                .put("groups", new JsonArray(s.groups()))
                .put("pay", s.pay())
                .put("stage", s.stage().name());
    }

    private static void json(HttpServerResponse res, int status, JsonObject body) {
        res.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
