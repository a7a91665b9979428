package dev.mfa.web;

import io.quarkus.scheduler.Scheduled;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side sessions in memory, keyed by a 256-bit random id carried in an HttpOnly, SameSite=Strict cookie.
 * One edge replica holds its sessions (the k8s Deployment uses session affinity); a restart signs everyone out.
 */
@ApplicationScoped
public class SessionStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final WebConfig.Session config;
    private final Clock clock;

    public SessionStore(WebConfig config, Clock clock) {
        this.config = config.session();
        this.clock = clock;
    }

    public Session create(
            HttpServerResponse response,
            String userId,
            String orgId,
            List<String> groups,
            String pay,
            String accessToken) {
        return create(response, userId, orgId, groups, pay, accessToken, null);
    }

    /** A new session; with {@code tokenExpiresAt}, it ends with the access token (which the services refuse then). */
    public Session create(
            HttpServerResponse response,
            String userId,
            String orgId,
            List<String> groups,
            String pay,
            String accessToken,
            Instant tokenExpiresAt) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Session s = new Session(id, userId, orgId, groups, pay, accessToken, tokenExpiresAt, clock.instant());
        if (sessions.size() >= config.maxSessions()) {
            sessions.values().stream()
                    .min(Comparator.comparing(Session::lastSeen))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        sessions.put(id, s);
        response.addCookie(cookie(id).setMaxAge(config.maxAge().toSeconds()));
        return s;
    }

    /** The live session of this request, or null (unknown, idle too long or too old). */
    public Session find(HttpServerRequest request) {
        Cookie c = request.getCookie(config.cookieName());
        if (c == null || c.getValue().isEmpty()) {
            return null;
        }
        Session s = sessions.get(c.getValue());
        if (s == null) {
            return null;
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            sessions.remove(s.id());
            return null;
        }
        s.touch(now);
        return s;
    }

    public void invalidate(HttpServerRequest request, HttpServerResponse response) {
        Cookie c = request.getCookie(config.cookieName());
        if (c != null) {
            sessions.remove(c.getValue());
        }
        response.addCookie(cookie("").setMaxAge(0));
    }

    private Cookie cookie(String value) {
        return Cookie.cookie(config.cookieName(), value)
                .setPath("/")
                .setHttpOnly(true)
                .setSecure(config.cookieSecure())
                .setSameSite(CookieSameSite.STRICT);
    }

    private boolean expired(Session s, Instant now) {
        return now.isAfter(s.lastSeen().plus(config.idleTimeout()))
                || now.isAfter(s.createdAt().plus(config.maxAge()))
                || (s.tokenExpiresAt() != null && !now.isBefore(s.tokenExpiresAt()));
    }

    @Scheduled(every = "60s")
    void sweep() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
    }

    int size() {
        return sessions.size();
    }
}
