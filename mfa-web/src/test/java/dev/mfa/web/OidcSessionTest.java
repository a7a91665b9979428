package dev.mfa.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the edge takes from a provider's access token, and that its session ends with the token (plain unit test). */
class OidcSessionTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static String jwt(JsonObject claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    private static JsonObject claims() {
        return new JsonObject()
                .put("sub", "alice")
                .put("org", "acme")
                .put("exp", NOW.plusSeconds(300).getEpochSecond())
                .put("groups", new JsonArray().add("user").add("org-admin"))
                .put("pay", "payee");
    }

    @Test
    void readsTheContractsClaims() {
        OidcSignIn.Claims c = OidcSignIn.claims(jwt(claims()), NOW).orElseThrow();
        assertThat(c.userId()).isEqualTo("alice");
        assertThat(c.orgId()).isEqualTo("acme");
        assertThat(c.groups()).containsExactly("user", "org-admin");
        assertThat(c.pay()).isEqualTo("payee");
        assertThat(c.expiresAt()).isEqualTo(NOW.plusSeconds(300));
        assertThat(OidcSignIn.claims(jwt(claims().put("groups", "user").put("pay", 3)), NOW)
                        .orElseThrow())
                .satisfies(x -> {
                    assertThat(x.groups()).isEmpty();
                    assertThat(x.pay()).isNull();
                });
    }

    @Test
    void refusesTokensTheServicesWouldRefuse() {
        assertThat(OidcSignIn.claims(jwt(claims().put("org", "")), NOW)).isEmpty();
        JsonObject noOrg = claims();
        noOrg.remove("org");
        assertThat(OidcSignIn.claims(jwt(noOrg), NOW)).isEmpty();
        assertThat(OidcSignIn.claims(jwt(claims().put("sub", 42)), NOW)).isEmpty();
        JsonObject noExp = claims();
        noExp.remove("exp");
        assertThat(OidcSignIn.claims(jwt(noExp), NOW)).isEmpty();
        assertThat(OidcSignIn.claims(jwt(claims().put("exp", NOW.getEpochSecond())), NOW))
                .isEmpty();
        assertThat(OidcSignIn.claims("an-opaque-token", NOW)).isEmpty();
        assertThat(OidcSignIn.claims("a.%%%.c", NOW)).isEmpty();
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now = NOW;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theSessionEndsWhenTheAccessTokenExpires() {
        MovableClock clock = new MovableClock();
        SessionStore store = new SessionStore(config(), clock);
        List<Cookie> set = new ArrayList<>();
        HttpServerResponse response = (HttpServerResponse) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServerResponse.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addCookie")) {
                        set.add((Cookie) args[0]);
                        return proxy;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        store.create(response, "alice", "acme", List.of("user"), null, "token", NOW.plusSeconds(300));
        AtomicReference<String> cookie = new AtomicReference<>(set.get(0).getValue());
        HttpServerRequest request = (HttpServerRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServerRequest.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getCookie") && args.length == 1) {
                        return Cookie.cookie((String) args[0], cookie.get());
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        clock.now = NOW.plusSeconds(299);
        assertThat(store.find(request)).isNotNull();
        clock.now = NOW.plusSeconds(300);
        assertThat(store.find(request))
                .as("idle and age limits are far, the token is not")
                .isNull();
    }

    private static WebConfig config() {
        WebConfig.Session session = new WebConfig.Session() {
            @Override
            public String cookieName() {
                return "mfa_session";
            }

            @Override
            public boolean cookieSecure() {
                return true;
            }

            @Override
            public Duration idleTimeout() {
                return Duration.ofMinutes(30);
            }

            @Override
            public Duration maxAge() {
                return Duration.ofHours(8);
            }

            @Override
            public int maxSessions() {
                return 10;
            }
        };
        return (WebConfig) Proxy.newProxyInstance(
                OidcSessionTest.class.getClassLoader(),
                new Class<?>[] {WebConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "session" -> session;
                    case "enrollmentUrl", "verificationUrl" -> URI.create("http://localhost:1");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
