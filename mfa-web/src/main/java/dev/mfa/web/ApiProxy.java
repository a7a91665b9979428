package dev.mfa.web;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/**} to the two services (CONTRACT §7) through Vert.x's reverse proxy. The interceptor puts the
 * session's tokens on the way up (Authorization, X-Reauth-Token, X-MFA-Assertion; the browser's own copies of these
 * and its cookies are dropped) and, on the way down, takes the re-authentication token and the MFA assertion out of
 * the answers that carry them, so that they stay in the session and the page never sees one.
 */
@ApplicationScoped
public class ApiProxy {

    static final String SESSION = "mfa.session";
    private static final Pattern VERIFY = Pattern.compile("^/api/v1/challenges/[^/?]+/verify$");
    private static final int MAX_CAPTURED_BODY = 64 * 1024;
    /** Headers a browser may not choose: the edge alone sets them from the session. */
    private static final List<String> SESSION_HEADERS = List.of(
            "Authorization", "Cookie", "X-Reauth-Token", "X-MFA-Assertion", "X-MFA-Device-Token", "X-Requested-With");

    private final SocketAddress enrollment;
    private final SocketAddress verification;
    private final Clock clock;
    private final SessionStore sessions;
    private HttpProxy proxy;

    public ApiProxy(WebConfig config, Clock clock, SessionStore sessions) {
        this.sessions = sessions;
        this.enrollment = address(config.enrollmentUrl());
        this.verification = address(config.verificationUrl());
        this.clock = clock;
    }

    private static SocketAddress address(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        return SocketAddress.inetSocketAddress(port, uri.getHost());
    }

    /** Creates the proxy on the edge's Vert.x instance (called once, when the router is built). */
    void init(Vertx vertx) {
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout(5_000)
                        .setIdleTimeout(60),
                new PoolOptions().setHttp1MaxSize(50));
        proxy = HttpProxy.reverseProxy(client)
                .originSelector(
                        req -> Future.succeededFuture(isVerification(path(req.uri())) ? verification : enrollment));
        proxy.addInterceptor(new SessionInterceptor());
    }

    static boolean isVerification(String path) {
        return path.equals("/api/v1/challenges")
                || path.startsWith("/api/v1/challenges/")
                || path.equals("/api/v1/devices")
                || path.startsWith("/api/v1/devices/");
    }

    static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    void handle(HttpServerRequest request) {
        proxy.handle(request);
    }

    private final class SessionInterceptor implements ProxyInterceptor {

        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            // The route has checked the session already; it is looked up again from the browser's request.
            Session session = sessions.find(context.request().proxiedRequest());
            context.set(SESSION, session);
            MultiMap headers = context.request().headers();
            SESSION_HEADERS.forEach(headers::remove);
            if (session != null) {
                Instant now = clock.instant();
                headers.set("Authorization", "Bearer " + session.accessToken());
                String reauth = session.reauth(now);
                if (reauth != null) {
                    headers.set("X-Reauth-Token", reauth);
                }
                String assertion = session.assertion(now);
                if (assertion != null) {
                    headers.set("X-MFA-Assertion", assertion);
                }
            }
            // A service that cannot be reached answers as a problem, like every other API error.
            return context.sendRequest()
                    .recover(err -> Future.succeededFuture(context.request()
                            .response()
                            .setStatusCode(502)
                            .putHeader("Content-Type", "application/problem+json")
                            .setBody(Body.body(new JsonObject()
                                    .put("type", Problems.TYPE_PREFIX + "service-unavailable")
                                    .put("title", "Service unavailable")
                                    .put("status", 502)
                                    .put("detail", "The service did not answer. Try again in a moment.")
                                    .toBuffer()))));
        }

        @Override
        public Future<Void> handleProxyResponse(ProxyContext context) {
            ProxyResponse response = context.response();
            response.headers().set("Cache-Control", "no-store");
            Session session = context.get(SESSION, Session.class);
            String path = path(context.request().getURI());
            HttpMethod method = context.request().getMethod();
            int status = response.getStatusCode();
            if (session == null || method != HttpMethod.POST) {
                return context.sendResponse();
            }
            boolean reauth = path.equals("/api/v1/me/reauth") && status == 200;
            boolean challenge = path.equals("/api/v1/challenges") && (status == 200 || status == 409);
            boolean verify = VERIFY.matcher(path).matches() && status == 200;
            if (!reauth && !challenge && !verify) {
                return context.sendResponse();
            }
            return collect(response.getBody().stream()).compose(body -> {
                Buffer out = capture(session, body, reauth, challenge, verify, status);
                response.headers().remove("Content-Length").remove("Transfer-Encoding");
                response.setBody(Body.body(out));
                return context.sendResponse();
            });
        }
    }

    /** Keeps what the session needs and answers the page without it. */
    Buffer capture(Session session, Buffer body, boolean reauth, boolean challenge, boolean verify, int status) {
        Instant now = clock.instant();
        if (challenge && status == 409) {
            // enrollment-required: the user has no factor yet and may only enroll; the pages take them there.
            session.signedIn();
            return body;
        }
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (RuntimeException e) {
            return body;
        }
        if (reauth) {
            String token = (String) json.remove("reauthToken");
            if (token != null) {
                session.reauth(token, parseInstant(json.getString("expiresAt"), now.plusSeconds(300)));
            }
        }
        if (challenge) {
            if (json.getBoolean("mfaRequired", true) == Boolean.FALSE) {
                session.signedIn();
            }
            keepAssertion(session, json, now);
        }
        if (verify && Boolean.TRUE.equals(json.getBoolean("verified"))) {
            keepAssertion(session, json, now);
        }
        json.remove("deviceToken");
        return json.toBuffer();
    }

    private void keepAssertion(Session session, JsonObject json, Instant now) {
        String assertion = (String) json.remove("assertion");
        if (assertion != null) {
            session.assertion(assertion, expiry(assertion, now.plusSeconds(600)));
            session.signedIn();
            json.put("stepUp", true);
        }
    }

    private static Instant parseInstant(String s, Instant fallback) {
        try {
            return s == null ? fallback : Instant.parse(s);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** The {@code exp} of a JWT (already verified upstream; read only to know when to drop it). */
    static Instant expiry(String jwt, Instant fallback) {
        try {
            String[] parts = jwt.split("\\.");
            JsonObject claims =
                    new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            Long exp = claims.getLong("exp");
            return exp == null ? fallback : Instant.ofEpochSecond(exp);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static Future<Buffer> collect(ReadStream<Buffer> stream) {
        Promise<Buffer> promise = Promise.promise();
        Buffer acc = Buffer.buffer();
        stream.exceptionHandler(promise::tryFail);
        stream.handler(chunk -> {
            if (acc.length() + chunk.length() > MAX_CAPTURED_BODY) {
                promise.tryFail(new IllegalStateException("upstream answer too large"));
                return;
            }
            acc.appendBuffer(chunk);
        });
        stream.endHandler(v -> promise.tryComplete(acc));
        stream.resume();
        return promise.future();
    }
}
