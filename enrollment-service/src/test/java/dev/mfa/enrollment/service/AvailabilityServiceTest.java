package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.repository.AuditRepository;
import dev.mfa.enrollment.repository.AvailabilityRepository;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** Who may grant or withdraw MFA for an org, and what a decision records (the effect on policies: OrgAdminRulesTest). */
class AvailabilityServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private final AvailabilityRepository availability = mock(AvailabilityRepository.class);
    private final AuditRepository audit = mock(AuditRepository.class);
    private final PolicyService policies = mock(PolicyService.class);
    private final AvailabilityService service =
            new AvailabilityService(availability, audit, policies, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aPlatformOperatorMayDecideForAnyOrgWithoutAnOrgClaim() {
        assertThat(AvailabilityService.requireOperator(
                        token("op-1", null, AvailabilityService.GROUP_PLATFORM_OPERATOR), "acme"))
                .isEqualTo("op-1");
    }

    @Test
    void anyoneElseGetsNotFoundForAnotherOrgAndForbiddenForTheirOwn() {
        refused(token("alice", "globex", "org-admin"), 404, null);
        refused(token("alice", "acme", "org-admin"), 403, "platform-operator-required");
        refused(token("alice", null, null), 404, null);
        refused(token(" ", "acme", AvailabilityService.GROUP_PLATFORM_OPERATOR), 401, "invalid-token");
        refused(token(null, "acme", AvailabilityService.GROUP_PLATFORM_OPERATOR), 401, "invalid-token");
    }

    @Test
    void aChangedDecisionIsAuditedAfterThePolicyRowIsShareLocked() {
        when(policies.sharePolicy("acme")).thenReturn(Uni.createFrom().item(OrgPolicy.defaults("acme", NOW)));
        when(availability.save("acme", true, "op-1", NOW))
                .thenReturn(Uni.createFrom().item(true));
        when(availability.updatedAt("acme")).thenReturn(Uni.createFrom().item(NOW));
        when(audit.append(anyString(), any(), anyString(), any(), any(), any()))
                .thenReturn(Uni.createFrom().voidItem());

        AvailabilityService.AvailabilityView view =
                service.set("acme", true, "op-1").await().indefinitely();

        assertThat(view).isEqualTo(new AvailabilityService.AvailabilityView("acme", true, NOW));
        InOrder order = inOrder(policies, availability, audit);
        order.verify(policies).sharePolicy("acme");
        order.verify(availability).save("acme", true, "op-1", NOW);
        order.verify(audit)
                .append("acme", NOW, AuditTypes.AVAILABILITY_CHANGED, "op-1", null, Map.of("available", true));
    }

    @Test
    void theSameDecisionAgainIsNotAuditedAndKeepsItsTime() {
        Instant earlier = NOW.minusSeconds(3600);
        when(policies.sharePolicy("acme")).thenReturn(Uni.createFrom().item(OrgPolicy.defaults("acme", NOW)));
        when(availability.save("acme", false, "op-1", NOW))
                .thenReturn(Uni.createFrom().item(false));
        when(availability.updatedAt("acme")).thenReturn(Uni.createFrom().item(earlier));

        AvailabilityService.AvailabilityView view =
                service.set("acme", false, "op-1").await().indefinitely();

        assertThat(view.updatedAt()).isEqualTo(earlier);
        verify(audit, never()).append(anyString(), any(), anyString(), any(), any(), any());
    }

    private static JsonWebToken token(String sub, String org, String group) {
        JsonWebToken jwt = mock(JsonWebToken.class);
        when(jwt.getSubject()).thenReturn(sub);
        when(jwt.getGroups()).thenReturn(group == null ? Set.of() : Set.of(group));
        when(jwt.getClaim("org")).thenReturn(org);
        return jwt;
    }

    private static void refused(JsonWebToken jwt, int status, String slug) {
        assertThatThrownBy(() -> AvailabilityService.requireOperator(jwt, "acme"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(status);
                    if (slug != null) {
                        assertThat(e.problem().type()).endsWith("/" + slug);
                    }
                });
    }
}
