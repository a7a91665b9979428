package dev.mfa.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The production sign-in, in the prod profile, against quarkus-test-oidc-server's mock provider: the
 * authorization-code flow driven with a plain HTTP client (the provider's login page is a form the test fills in),
 * then the same session and proxy path as the dev sign-in.
 */
@QuarkusTest
@TestProfile(OidcSignInTest.Prod.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class OidcSignInTest {

    /** The prod profile itself, given what the k8s overlay would give (OIDC client, service URLs). */
    public static class Prod implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "prod";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "MFA_OIDC_AUTH_SERVER_URL",
                    "${keycloak.url}/realms/quarkus/",
                    "MFA_OIDC_CLIENT_ID",
                    "mfa-web",
                    "MFA_OIDC_CLIENT_SECRET",
                    "test-client-secret-of-at-least-32-characters");
        }
    }

    private static final Pattern HIDDEN = Pattern.compile("name=\"(state|redirect_uri)\" value=\"([^\"]*)\"");

    @OidcWireMock
    WireMockServer provider;

    @TestHTTPResource("/")
    URI edge;

    /** Makes the provider's token endpoint answer the code exchange with this access token. */
    private void providerIssues(String accessToken) {
        provider.stubFor(post("/auth/realms/quarkus/token")
                .withRequestBody(containing("authorization_code"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(new JsonObject()
                                .put("access_token", accessToken)
                                .put("token_type", "Bearer")
                                .put("expires_in", 300)
                                .put(
                                        "id_token",
                                        OidcWiremockTestResource.getIdToken("alice", Set.of("user"), "mfa-web"))
                                .encode())));
    }

    private static String accessToken(Map<String, String> claims) {
        return OidcWiremockTestResource.generateJwtToken(
                "alice", Set.of("user", "org-admin"), "alice", "Bearer", Set.of("mfa-api"), claims);
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String location(HttpResponse<?> r) {
        assertThat(r.statusCode()).as("a redirect from %s", r.uri()).isEqualTo(302);
        return r.headers().firstValue("Location").orElseThrow();
    }

    /**
     * Opens /login, is sent to the provider, signs in on its form, comes back through the edge's callback; returns
     * the edge's last answer (the one that does not redirect back to the edge's /login).
     */
    private HttpResponse<String> signInAtTheProvider() throws IOException, InterruptedException {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        // The pages send an unknown browser to /login (api.js); /login sends it to the provider.
        HttpResponse<String> login = get(browser, edge.resolve("/login"));
        String authorize = location(login);
        assertThat(authorize)
                .startsWith(provider.baseUrl() + "/auth/realms/quarkus")
                .contains("response_type=code")
                .contains("client_id=mfa-web")
                .contains("redirect_uri="
                        + URLEncoder.encode(edge.resolve("/login").toString(), StandardCharsets.UTF_8));
        assertThat(login.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("mfa_session="));

        HttpResponse<String> form = get(browser, URI.create(authorize));
        assertThat(form.statusCode()).isEqualTo(200);
        StringBuilder query = new StringBuilder("username=alice&password=alice");
        Matcher m = HIDDEN.matcher(form.body());
        int hidden = 0;
        while (m.find()) {
            query.append('&')
                    .append(m.group(1))
                    .append('=')
                    .append(URLEncoder.encode(m.group(2), StandardCharsets.UTF_8));
            hidden++;
        }
        assertThat(hidden).isEqualTo(2);
        String callback = location(get(browser, URI.create(provider.baseUrl() + "/login?" + query)));
        assertThat(callback).startsWith(edge.resolve("/login").toString()).contains("code=");

        // quarkus-oidc exchanges the code, then (by default) redirects to /login without the code and state.
        HttpResponse<String> r = get(browser, URI.create(callback));
        for (int hops = 0;
                r.statusCode() == 302
                        && location(r).startsWith(edge.resolve("/login").toString())
                        && hops < 3;
                hops++) {
            r = get(browser, URI.create(location(r)));
        }
        return r;
    }

    private static String sessionCookie(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("mfa_session="))
                .filter(c -> !c.startsWith("mfa_session=;"))
                .findFirst()
                .orElse(null);
    }

    private HttpResponse<String> call(String method, String path, String sessionCookie)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(edge.resolve(path))
                .header("Cookie", sessionCookie)
                .header("X-Requested-With", "mfa-web")
                .header("Content-Type", "application/json");
        b = method.equals("GET") ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString("{}"));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void codeFlowThenTheEdgeForwardsTheProvidersTokenAndSignOutEndsIt() throws Exception {
        String token = accessToken(Map.of("org", "acme"));
        providerIssues(token);

        HttpResponse<String> signedIn = signInAtTheProvider();
        assertThat(location(signedIn)).isEqualTo("/verify.html");
        String setCookie = sessionCookie(signedIn);
        assertThat(setCookie)
                .isNotNull()
                .containsIgnoringCase("HttpOnly")
                .contains("Secure")
                .contains("SameSite=Strict");
        // One session, the edge's: quarkus-oidc's own cookie is expired at once.
        assertThat(signedIn.headers().allValues("Set-Cookie"))
                .anyMatch(c -> c.startsWith("q_session=") && c.contains("Max-Age=0"));
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> session = call("GET", "/session", cookie);
        assertThat(session.statusCode()).isEqualTo(200);
        JsonObject view = new JsonObject(session.body());
        assertThat(view.getString("userId")).isEqualTo("alice");
        assertThat(view.getString("orgId")).isEqualTo("acme");
        assertThat(view.getJsonArray("groups").getList()).containsExactlyInAnyOrder("user", "org-admin");
        assertThat(view.getString("stage")).isEqualTo("MFA_PENDING");
        assertThat(session.body()).doesNotContain(token);

        HttpResponse<String> challenge = call("POST", "/api/v1/challenges", cookie);
        assertThat(challenge.statusCode()).isEqualTo(201);
        assertThat(challenge.body()).doesNotContain(token);
        JsonObject seen = FakeServices.SEEN.peekLast();
        assertThat(seen.getString("service")).isEqualTo("verification");
        assertThat(seen.getString("authorization")).isEqualTo("Bearer " + token);

        assertThat(call("POST", "/logout", cookie).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/session", cookie).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/me/mfa", cookie).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenWithoutAnOrganizationStartsNoSession() throws Exception {
        providerIssues(accessToken(Map.of()));
        HttpResponse<String> refused = signInAtTheProvider();
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(sessionCookie(refused)).isNull();
    }

    @Test
    void theDevSignInIsRefusedInProd() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(edge.resolve("/login"))
                                .header("X-Requested-With", "mfa-web")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"userId\":\"alice\",\"password\":\"alice-pw\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(r.body()).doesNotContain("eyJ");
    }
}
