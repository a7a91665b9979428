package dev.mfa.enrollment.support;

import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.TestTokens;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Org-level helpers: policy calls as the org's admin, roster events, requirement events of an org. */
public final class Orgs {

    private Orgs() {}

    public static ValidatableResponse putPolicy(String orgId, Boolean enabled, Instant deadline, List<String> methods) {
        Map<String, Object> body = new HashMap<>();
        body.put("enabled", enabled);
        body.put("enforcementDeadline", deadline == null ? null : deadline.toString());
        if (methods != null) {
            body.put("allowedMethods", methods);
        }
        // Always stepped up: some of the tests' changes lower protection (CONTRACT §3).
        return Admins.steppedUp(Admins.adminId(orgId), orgId)
                .body(body)
                .put("/api/v1/orgs/" + orgId + "/mfa-policy")
                .then();
    }

    public static ValidatableResponse getPolicy(String orgId) {
        return Api.as(TestTokens.orgAdmin("admin-" + orgId, orgId))
                .get("/api/v1/orgs/" + orgId + "/mfa-policy")
                .then();
    }

    /** Announces a user on identity.users and waits until the roster has it. */
    public static CloudEvent join(String userId, String orgId, String pay) {
        CloudEvent e = Bus.publish(
                Topics.IDENTITY_USERS,
                new Events.UserUpserted(userId, orgId, userId + "@" + orgId + ".test", pay, List.of("user")));
        awaitProcessed(e);
        return e;
    }

    public static void awaitProcessed(CloudEvent event) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Db.count("select count(*) from processed_event where event_id = ?", event.id()) == 1);
    }

    public static Predicate<CloudEvent> requirementOf(String orgId) {
        return e -> orgId.equals(e.data().path("orgId").asText());
    }

    public static Predicate<CloudEvent> requirementOf(String orgId, String reason) {
        return e -> orgId.equals(e.data().path("orgId").asText())
                && reason.equals(e.data().path("reason").asText());
    }

    public static List<Events.OrgPolicyChanged> policyEvents(String orgId) {
        return Bus.events(Topics.ORG_POLICIES, orgId).stream()
                .map(e -> Bus.data(e, Events.OrgPolicyChanged.class))
                .toList();
    }
}
