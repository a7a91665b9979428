package dev.mfa.enrollment;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

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
        CloudEvent upsert = codec.wrap("/test", new Events.UserUpserted(userId, "acme", userId + "@acme.test", "payee",
                List.of("user")), Instant.now());
        String value = codec.encode(upsert);

        kafka.produceStrings().fromRecords(new ProducerRecord<>(Topics.IDENTITY_USERS, userId, value)).awaitCompletion();
        await().atMost(Duration.ofSeconds(20)).until(() -> requirementOf(userId).isPresent());
        assertThat(requirementOf(userId)).contains("REQUIRED");

        var changes = kafka.consumeStrings().fromTopics(Topics.USER_REQUIREMENTS)
                .awaitRecords(1, Duration.ofSeconds(20)).getRecords().stream()
                .map(r -> codec.decode(r.value()))
                .filter(e -> userId.equals(e.subject()))
                .toList();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).type()).isEqualTo(EventTypes.USER_REQUIREMENT_CHANGED);
        var data = codec.data(changes.get(0), Events.UserRequirementChanged.class);
        assertThat(data.requirement()).isEqualTo("REQUIRED");
        assertThat(data.previous()).isEqualTo("NOT_REQUIRED");
        assertThat(data.reason()).isEqualTo("pay-user");

        // The same event again (same id): recorded once, no second requirement event.
        kafka.produceStrings().fromRecords(new ProducerRecord<>(Topics.IDENTITY_USERS, userId, value)).awaitCompletion();
        await().atMost(Duration.ofSeconds(20)).until(() -> processedCount(upsert.id()) == 1);
        var all = kafka.consumeStrings().fromTopics(Set.of(Topics.USER_REQUIREMENTS), Duration.ofSeconds(3))
                .awaitCompletion().getRecords();
        assertThat(all.stream().map(r -> codec.decode(r.value()))
                .filter(e -> userId.equals(e.subject())).count()).isEqualTo(1);
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
