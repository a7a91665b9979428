package dev.mfa.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public entry (platform/gateway.yaml): one Gateway API HTTPRoute on one HTTPS Gateway, exposing exactly the web
 * edge and notification-service's delivery-receipt path, and nothing that could route a request anywhere else.
 */
class GatewayRouteTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    /** One routed path: how it matches, and where it goes. */
    record Exposed(String matchType, String path, String service, int port) {}

    @ParameterizedTest
    @MethodSource("overlays")
    void theRouteExposesOnlyTheEdgeAndTheReceiptWebhook(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        assertThat(r.all(HTTPRoute.class)).hasSize(1);
        HTTPRoute route = r.all(HTTPRoute.class).get(0);
        Set<Exposed> exposed = new HashSet<>();
        for (HTTPRouteRule rule : route.getSpec().getRules()) {
            // no filter (redirect, rewrite, mirror: a mirror would send traffic to another backend)
            assertThat(rule.getFilters()).as("rule filters").isNullOrEmpty();
            assertThat(rule.getBackendRefs()).as("one backend per rule").hasSize(1);
            HTTPBackendRef backend = rule.getBackendRefs().get(0);
            assertThat(backend.getKind() == null || backend.getKind().equals("Service"))
                    .isTrue();
            assertThat(backend.getGroup() == null || backend.getGroup().isEmpty())
                    .isTrue();
            assertThat(backend.getNamespace())
                    .as("backends in the route's own namespace")
                    .isNull();
            assertThat(backend.getFilters()).isNullOrEmpty();
            assertThat(rule.getMatches()).as("rules name their paths").hasSize(1);
            HTTPRouteMatch match = rule.getMatches().get(0);
            assertThat(match.getHeaders()).isNullOrEmpty();
            assertThat(match.getQueryParams()).isNullOrEmpty();
            assertThat(match.getMethod()).isNull();
            exposed.add(new Exposed(
                    match.getPath().getType(), match.getPath().getValue(), backend.getName(), backend.getPort()));
        }
        assertThat(exposed)
                .containsExactlyInAnyOrder(
                        new Exposed("PathPrefix", "/", Repo.EDGE, Repo.httpPort(Repo.EDGE)),
                        new Exposed(
                                "Exact",
                                PlatformConsistencyTest.receiptPath(),
                                "notification-service",
                                Repo.httpPort("notification-service")));
        assertThat(route.getSpec().getRules()).hasSize(2);
        // every backend is a rendered Service with that port
        for (Exposed e : exposed) {
            Service s = r.one(Service.class, e.service());
            assertThat(s.getSpec().getPorts()).anyMatch(p -> p.getPort() == e.port());
        }
        // the edge's sessions live in its pods' memory: a browser must stay on one pod
        HTTPRouteRule edgeRule = route.getSpec().getRules().stream()
                .filter(rule -> rule.getBackendRefs().get(0).getName().equals(Repo.EDGE))
                .findFirst()
                .orElseThrow();
        assertThat(edgeRule.getSessionPersistence()).isNotNull();
        assertThat(edgeRule.getSessionPersistence().getType()).isEqualTo("Cookie");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theRouteHangsOnAnHttpsListenerOfTheRenderedGatewayForTheSameHost(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        HTTPRoute route = r.all(HTTPRoute.class).get(0);
        assertThat(route.getSpec().getParentRefs()).hasSize(1);
        ParentReference parent = route.getSpec().getParentRefs().get(0);
        assertThat(parent.getKind()).isEqualTo("Gateway");
        assertThat(parent.getNamespace())
                .as("the Gateway of the route's own namespace")
                .isNull();
        Gateway gateway = r.one(Gateway.class, parent.getName());
        assertThat(gateway.getSpec().getGatewayClassName()).isNotBlank();
        List<Listener> listeners = gateway.getSpec().getListeners();
        assertThat(listeners).as("no plain-http listener").allSatisfy(l -> {
            assertThat(l.getProtocol()).isEqualTo("HTTPS");
            assertThat(l.getTls().getMode()).isEqualTo("Terminate");
            assertThat(l.getTls().getCertificateRefs()).isNotEmpty();
            assertThat(l.getAllowedRoutes().getNamespaces().getFrom()).isEqualTo("Same");
        });
        Listener listener = listeners.stream()
                .filter(l -> l.getName().equals(parent.getSectionName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no listener " + parent.getSectionName()));
        assertThat(route.getSpec().getHostnames()).containsExactly(listener.getHostname());
        if (overlay.equals("prod")) {
            assertThat(listener.getHostname()).as("prod sets its own host").isNotEqualTo("mfa.example.com");
        }
    }
}
