package dev.mfa.notification;

import static dev.mfa.notification.EmailFixtures.event;
import static dev.mfa.notification.EmailFixtures.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.notification.repository.EmailClaim;
import dev.mfa.notification.repository.EmailRequestRepository;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Notices to one user are claimed before campaign mails, whatever their order in the queue: during a rate-limited
 * campaign to a whole org, a "factor added" or "account locked" notice does not wait behind the reminders. The
 * dispatcher is off in this profile, so the test alone claims.
 */
@QuarkusTest
@TestProfile(EmailPriorityIT.DispatcherOff.class)
class EmailPriorityIT extends KafkaCase {

    public static class DispatcherOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mfa.notification.email.enabled", "false");
        }
    }

    /** A clock far before every other test's rows, so that only this test's rows are due at the claims. */
    private static final Instant T0 = Instant.parse("2000-01-01T00:00:00Z");
    /** Not expired by the real clock either: the sweeper fails expired PENDING rows while the test runs. */
    private static final Instant EXPIRES = Instant.parse("2100-01-01T00:00:00Z");

    @Inject
    EmailRequestRepository repository;

    private final List<UUID> inserted = new ArrayList<>();

    @AfterEach
    void removeRows() throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement("delete from email_request where request_id = ?")) {
            for (UUID id : inserted) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
        }
    }

    @Test
    void intakeGivesCampaignMailsTheLowerPriority() throws Exception {
        UUID reminder = UUID.randomUUID();
        UUID notice = UUID.randomUUID();
        publish(
                kafka,
                event(
                        reminder,
                        "user-prio",
                        EmailTemplates.DEADLINE_APPROACHING,
                        EmailFixtures.address(),
                        Map.of("deadline", "2026-12-18", "daysLeft", "14")),
                event(
                        notice,
                        "user-prio",
                        EmailTemplates.FACTOR_ADDED,
                        EmailFixtures.address(),
                        Map.of("method", "TOTP")));
        inserted.addAll(List.of(reminder, notice));
        await().atMost(WAIT).until(() -> priority(reminder) != null && priority(notice) != null);
        assertThat(priority(reminder)).isEqualTo(1);
        assertThat(priority(notice)).isEqualTo(0);
    }

    @Test
    void aNoticeIsClaimedBeforeCampaignMailsThatWereDueEarlier() throws Exception {
        List<UUID> campaign = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            campaign.add(insertPending(EmailTemplates.DEADLINE_APPROACHING, 1, T0.plusSeconds(i)));
        }
        UUID notice = insertPending(EmailTemplates.FACTOR_ADDED, 0, T0.plusSeconds(60));

        Instant now = T0.plus(Duration.ofHours(1));
        List<UUID> claimed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            EmailClaim claim = repository
                    .claims()
                    .claimNext(now, now.plusSeconds(60))
                    .await()
                    .indefinitely();
            if (claim != null) {
                claimed.add(claim.requestId());
            }
        }
        // The notice first, then the campaign in the order it became due; nothing else was due at that time.
        assertThat(claimed).containsExactly(notice, campaign.get(0), campaign.get(1), campaign.get(2));
    }

    private UUID insertPending(String template, int priority, Instant due) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement("insert into email_request (request_id, event_id, user_id, "
                        + "template, priority, recipient_hash, recipient, params, requested_at, received_at, "
                        + "expires_at, state, counted, attempts, next_attempt_at, updated_at) values "
                        + "(?, ?, 'user-prio', ?, ?, 'h', 'v1:x:y', '{}', ?, ?, ?, 'PENDING', false, 0, ?, ?)")) {
            Timestamp at = Timestamp.from(T0);
            ps.setObject(1, id);
            ps.setObject(2, UUID.randomUUID());
            ps.setString(3, template);
            ps.setShort(4, (short) priority);
            ps.setTimestamp(5, at);
            ps.setTimestamp(6, at);
            ps.setTimestamp(7, Timestamp.from(EXPIRES));
            ps.setTimestamp(8, Timestamp.from(due));
            ps.setTimestamp(9, at);
            ps.executeUpdate();
        }
        inserted.add(id);
        return id;
    }

    private static Integer priority(UUID requestId) throws Exception {
        return QueueRows.row("email_request", "priority", requestId)
                .map(r -> ((Number) r.get("priority")).intValue())
                .orElse(null);
    }
}
