package dev.mfa.enrollment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rosters arrive over the real broker, land in the real database once, and Pay users become REQUIRED. */
@QuarkusTest
class RosterIT {

    private final EventCodec codec = new EventCodec();
    private KafkaCompanion kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaCompanion(KafkaTestResource.bootstrapServers());
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void readyWhenDatabaseAndKafkaAreUp() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void payUserJoinsRosterAsRequiredAndADuplicateHasNoEffect() throws Exception {
        String userId = "pay-" + UUID.randomUUID();
        CloudEvent upsert = codec.wrap(
                "/test",
                new Events.UserUpserted(userId, "acme", userId + "@acme.test", "payee", List.of("user")),
                Instant.now());
        String value = codec.encode(upsert);

        kafka.produceStrings()
                .fromRecords(new ProducerRecord<>(Topics.IDENTITY_USERS, userId, value))
                .awaitCompletion();
        await().atMost(Duration.ofSeconds(20)).until(() -> requirementOf(userId).isPresent());
        assertThat(requirementOf(userId)).contains("REQUIRED");

        var changes = dev.mfa.enrollment.support.Bus.await(
                Topics.USER_REQUIREMENTS, userId, EventTypes.USER_REQUIREMENT_CHANGED, 1);
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).type()).isEqualTo(EventTypes.USER_REQUIREMENT_CHANGED);
        var data = codec.data(changes.get(0), Events.UserRequirementChanged.class);
        assertThat(data.requirement()).isEqualTo("REQUIRED");
        assertThat(data.previous()).isEqualTo("NOT_REQUIRED");
        assertThat(data.reason()).isEqualTo("pay-user");

        // The same event again (same id): recorded once, no second requirement event. A marker behind it on the
        // same partition tells when the duplicate has been consumed.
        kafka.produceStrings()
                .fromRecords(new ProducerRecord<>(Topics.IDENTITY_USERS, userId, value))
                .awaitCompletion();
        dev.mfa.enrollment.support.Orgs.join("marker-" + UUID.randomUUID(), "acme", null);
        assertThat(processedCount(upsert.id())).isEqualTo(1);
        dev.mfa.enrollment.support.Db.awaitOutboxDrained();
        assertThat(dev.mfa.enrollment.support.Bus.events(Topics.USER_REQUIREMENTS, userId))
                .hasSize(1);
    }

    @Test
    void aRemovedUserLosesFactorsAndRecoveryCodeAndIsNoLongerRequired() {
        String org = "totp-org";
        String userId = "removed-" + UUID.randomUUID();
        dev.mfa.enrollment.support.Orgs.join(userId, org, "user");
        String factorId = AuthenticatorAppIT.enroll(userId);
        var removed =
                dev.mfa.enrollment.support.Bus.publish(Topics.IDENTITY_USERS, new Events.UserRemoved(userId, org));
        dev.mfa.enrollment.support.Orgs.awaitProcessed(removed);
        assertThat(dev.mfa.enrollment.support.Db.count("select count(*) from org_user where user_id = ?", userId))
                .isZero();
        assertThat(dev.mfa.enrollment.support.Db.count("select count(*) from factor where user_id = ?", userId))
                .isZero();
        assertThat(dev.mfa.enrollment.support.Db.count("select count(*) from recovery_code where user_id = ?", userId))
                .isZero();
        var factorRemoved = dev.mfa.enrollment.support.Bus.data(
                dev.mfa.enrollment.support.Bus.await(Topics.FACTORS, userId, EventTypes.FACTOR_REMOVED, 1)
                        .get(0),
                Events.FactorRemoved.class);
        assertThat(factorRemoved.factorId().toString()).isEqualTo(factorId);
        assertThat(factorRemoved.reason()).isEqualTo("user-removed");
        dev.mfa.enrollment.support.Bus.await(Topics.FACTORS, userId, EventTypes.RECOVERY_CODE_REVOKED, 1);
        var changes = dev.mfa.enrollment.support.Bus.await(
                Topics.USER_REQUIREMENTS, userId, EventTypes.USER_REQUIREMENT_CHANGED, 2);
        var last = dev.mfa.enrollment.support.Bus.data(changes.get(1), Events.UserRequirementChanged.class);
        assertThat(last.requirement()).isEqualTo("NOT_REQUIRED");
        assertThat(last.previous()).isEqualTo("REQUIRED");
        assertThat(last.reason()).isEqualTo("user-removed");
    }

    @Test
    void thePayFlagDrivesTheRequirementBothWays() {
        String org = "pay-flag-" + UUID.randomUUID();
        String userId = "flag-" + UUID.randomUUID();
        dev.mfa.enrollment.support.Orgs.join(userId, org, null);
        assertThat(requirementOfUnchecked(userId)).contains("NOT_REQUIRED");
        dev.mfa.enrollment.support.Orgs.join(userId, org, "user");
        assertThat(requirementOfUnchecked(userId)).contains("REQUIRED");
        dev.mfa.enrollment.support.Orgs.join(userId, org, null);
        assertThat(requirementOfUnchecked(userId)).contains("NOT_REQUIRED");
        var changes = dev.mfa.enrollment.support.Bus.await(
                        Topics.USER_REQUIREMENTS, userId, EventTypes.USER_REQUIREMENT_CHANGED, 2)
                .stream()
                .map(e -> dev.mfa.enrollment.support.Bus.data(e, Events.UserRequirementChanged.class))
                .toList();
        assertThat(changes)
                .extracting(Events.UserRequirementChanged::requirement)
                .containsExactly("REQUIRED", "NOT_REQUIRED");
        assertThat(changes).extracting(Events.UserRequirementChanged::reason).containsOnly("pay-user");
    }

    @Test
    void anUnreadableRosterRecordGoesToTheDeadLetterTopic() {
        String key = "garbage-" + UUID.randomUUID();
        dev.mfa.enrollment.support.Bus.sendRaw(Topics.IDENTITY_USERS, key, "{\"specversion\":\"0.3\"}");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> dev.mfa.enrollment.support.Bus.records(Topics.dlq(Topics.IDENTITY_USERS)).stream()
                        .anyMatch(r -> key.equals(r.key())));
    }

    private static Optional<String> requirementOfUnchecked(String userId) {
        try {
            return requirementOf(userId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<String> requirementOf(String userId) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement("select requirement from org_user where user_id = ?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static int processedCount(UUID eventId) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement("select count(*) from processed_event where event_id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
