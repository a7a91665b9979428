package dev.mfa.scheduler;

import static dev.mfa.scheduler.Fixtures.newOrg;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.mfa.core.outbox.OutboxBacklog;
import dev.mfa.core.outbox.OutboxRelay;
import dev.mfa.localstack.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The outbox relay's backlog (mfa-core) is measured against the real table and served as metrics. */
@QuarkusTest
class OutboxBacklogIT {

    @Inject
    OutboxRelay relay;

    private OutboxBacklog.Snapshot measured() throws Exception {
        try {
            // Hibernate Reactive needs a Vert.x context; the test thread has none.
            return VertxContextSupport.subscribeAndAwait(relay::measuredBacklog);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Test
    void theBacklogEmptiesOnceTheRelaySentTheRowsAndIsServedAsGauges() throws Exception {
        String org = newOrg("backlog");
        Instant now = TestClock.get().instant();
        try (Fixtures fx = new Fixtures()) {
            fx.sendAndAwait(fx.policy(org, true, now, 1, now));
            fx.awaitOutboxEvents(org, 1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> measured().rows() == 0);
        OutboxBacklog.Snapshot empty = measured();
        assertThat(empty.events()).isZero();
        assertThat(empty.oldest()).isNull();

        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("# TYPE mfa_outbox_backlog_rows gauge"))
                .body(containsString("# TYPE mfa_outbox_backlog_events gauge"))
                .body(containsString("# TYPE mfa_outbox_backlog_age_seconds gauge"));
    }
}
