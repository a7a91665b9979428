package dev.mfa.scheduler;

import static dev.mfa.scheduler.Fixtures.newOrg;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The operations endpoints: health, metrics, OpenAPI, and the org-admin's read-only view of the org's deadline. */
@QuarkusTest
class DeadlineResourceIT extends SchedulerCase {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void readyWhenDatabaseAndKafkaAreUpAndMetricsAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/deadlines/{orgId}"));

        // Something fires, so that every meter exists.
        String org = newOrg("metrics");
        Instant now = clock.instant();
        fx.sendAndAwait(fx.policy(org, true, now, 1, now));
        fx.awaitOutboxEvents(org, 1);
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("mfa_scheduler_deadlines_pending"))
                .body(containsString("mfa_scheduler_events_fired_total{type=\"mfa.deadline.reached\""))
                .body(containsString("mfa_scheduler_firing_lag_seconds_count{type=\"mfa.deadline.reached\""))
                .body(containsString("mfa_scheduler_reminders_skipped_total"));
    }

    @Test
    void anOrgAdminSeesTheOrgsDeadlineAndPlannedEvents() {
        String org = newOrg("view");
        Instant now = clock.instant();
        Instant deadline = now.plus(Duration.ofDays(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        fx.sendAndAwait(fx.policy(org, true, deadline, 5, now));

        given().auth()
                .oauth2(TestTokens.orgAdmin("admin-1", org))
                .when()
                .get("/api/v1/deadlines/{orgId}", org)
                .then()
                .statusCode(200)
                .body("orgId", equalTo(org))
                .body("enabled", equalTo(true))
                .body("policyVersion", equalTo(5))
                .body("enforcementDeadline", equalTo(deadline.toString()))
                // 14 days ahead had already passed when the deadline was set: only the 7- and 1-day reminders.
                .body("events", hasSize(3))
                .body("events[0].type", equalTo("mfa.deadline.approaching"))
                .body("events[0].daysLeft", equalTo(7))
                .body("events[0].firedAt", nullValue())
                .body("events[2].type", equalTo("mfa.deadline.reached"))
                .body("events[2].fireAt", equalTo(deadline.toString()))
                .body(
                        "events[2].eventId",
                        equalTo(Fixtures.reachedId(org, deadline).toString()));
    }

    @Test
    void otherOrgsAreNotFoundAndOnlyAdminsMayLook() {
        String org = newOrg("private");
        Instant now = clock.instant();
        fx.sendAndAwait(fx.policy(org, true, now.plus(Duration.ofDays(30)), 1, now));

        given().auth()
                .oauth2(TestTokens.orgAdmin("admin-2", "another-org"))
                .when()
                .get("/api/v1/deadlines/{orgId}", org)
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("status", equalTo(404));
        given().auth()
                .oauth2(TestTokens.user("user-1", org))
                .when()
                .get("/api/v1/deadlines/{orgId}", org)
                .then()
                .statusCode(403)
                .contentType(PROBLEM);
        given().when()
                .get("/api/v1/deadlines/{orgId}", org)
                .then()
                .statusCode(401)
                .contentType(PROBLEM);
        String unknown = newOrg("unknown");
        given().auth()
                .oauth2(TestTokens.orgAdmin("admin-3", unknown))
                .when()
                .get("/api/v1/deadlines/{orgId}", unknown)
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
    }
}
