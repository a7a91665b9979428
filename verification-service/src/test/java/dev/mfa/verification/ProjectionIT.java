package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.TopicSnapshot;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** The projection catches up with a backlog published while the service was down, and keeps up afterwards. */
@QuarkusTest
@TestProfile(ProjectionIT.CatchUp.class)
class ProjectionIT extends VerificationTestBase {

    private static final Logger LOG = Logger.getLogger(ProjectionIT.class);

    /** Own profile: the application restarts, and {@link PreloadedEvents} publishes before it starts. */
    public static class CatchUp implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PreloadedEvents.class));
        }
    }

    private final String run = System.getProperty(PreloadedEvents.RUN_PROPERTY);

    @Test
    void backlogPublishedBeforeStartIsProjected() throws Exception {
        assertThat(run).isNotNull();
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from factor where user_id like ?", "preloaded-" + run + "-%")
                        == PreloadedEvents.USERS + 1);
        for (int i = 0; i < PreloadedEvents.USERS; i += 7) {
            String user = PreloadedEvents.user(run, i);
            TotpFactor factor = new TotpFactor(PreloadedEvents.factorId(run, i), PreloadedEvents.secret(run, i));
            verify(user, openChallenge(user), "TOTP", currentCode(factor))
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void oneUsersEventsApplyInOrderAndDuplicatesOnce() throws Exception {
        String user = PreloadedEvents.orderedUser(run);
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from recovery_code where user_id = ?", user) == 1);
        assertThat(count("select count(*) from factor where user_id = ?", user)).isEqualTo(1);
        assertThat(count("select count(*) from factor where factor_id = ?", PreloadedEvents.factorId(run, 1001)))
                .isEqualTo(1);
        UUID duplicate = UUID.fromString(System.getProperty(PreloadedEvents.RUN_PROPERTY + ".duplicate"));
        assertThat(count("select count(*) from processed_event where event_id = ?", duplicate))
                .isEqualTo(1);
        TotpFactor old = new TotpFactor(PreloadedEvents.factorId(run, 1000), PreloadedEvents.secret(run, 1000));
        TotpFactor current = new TotpFactor(PreloadedEvents.factorId(run, 1001), PreloadedEvents.secret(run, 1001));
        createChallenge(token(user)).then().statusCode(201).body("methods", contains("TOTP", "RECOVERY_CODE"));
        verify(user, openChallenge(user), "TOTP", currentCode(old)).then().statusCode(401);
        verify(user, openChallenge(user), "TOTP", currentCode(current)).then().statusCode(200);
        verify(user, openChallenge(user), "RECOVERY_CODE", PreloadedEvents.recoveryCode(run))
                .then()
                .statusCode(200);
    }

    @Test
    void unreadableRecordGoesToTheDeadLetterTopicAndTheNextOneIsApplied() {
        String user = PreloadedEvents.requiredUser(run);
        await().atMost(PROJECTION_WAIT)
                .untilAsserted(() -> createChallenge(token(user))
                        .then()
                        .statusCode(409)
                        .body("type", endsWith("enrollment-required")));
        await().atMost(PROJECTION_WAIT)
                .untilAsserted(() -> assertThat(TopicSnapshot.read(Topics.dlq(Topics.USER_REQUIREMENTS)))
                        .anyMatch(r -> user.equals(r.key())));
    }

    /** How long after enrollment-service's event a challenge works (figure for docs/verification.md). */
    @Test
    void measureEnrollmentToUsableLag() throws IOException {
        int samples = 20;
        List<Long> lagsMillis = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            String user = newUser("lag");
            UUID factorId = UUID.randomUUID();
            byte[] secret = new byte[20];
            Events.FactorEnrolled enrolled = new Events.FactorEnrolled(
                    factorId,
                    user,
                    ORG,
                    "TOTP",
                    "app",
                    keys.seal(
                            dev.mfa.core.crypto.SealedField.TOTP_SECRET, user, dev.mfa.core.otp.Base32.encode(secret)),
                    null,
                    null,
                    null,
                    null,
                    Instant.now());
            long start = System.nanoTime();
            publish(Topics.FACTORS, enrolled);
            await().atMost(PROJECTION_WAIT)
                    .pollInterval(Duration.ofMillis(5))
                    .pollDelay(Duration.ZERO)
                    .until(() -> createChallenge(token(user)).statusCode() == 201);
            lagsMillis.add((System.nanoTime() - start) / 1_000_000);
        }
        Collections.sort(lagsMillis);
        String line = String.format(
                "enrollment event -> challenge usable over %d samples: p50 %d ms, p90 %d ms, "
                        + "max %d ms (includes the producer's ack and HTTP polling every 5 ms)",
                samples, lagsMillis.get(samples / 2), lagsMillis.get(samples * 9 / 10), lagsMillis.get(samples - 1));
        LOG.info(line);
        Files.writeString(
                Path.of("target", "projection-lag.txt"), line + System.lineSeparator(), StandardCharsets.UTF_8);
    }
}
