package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 12 (lockout as a weapon): a lock is mailed to the user and to the org's admins, sustained
 * throttling and a spent recovery code to the user; each once per occasion, redeliveries included, the address
 * encrypted.
 */
@QuarkusTest
class LockoutNoticesIT {

    @jakarta.inject.Inject
    dev.mfa.core.crypto.FieldKeys keys;

    @Test
    void aLockIsMailedOnceToTheUserAndToEachAdminOfTheOrg() {
        String org = "lock-org-" + UUID.randomUUID();
        String user = "locked-" + UUID.randomUUID();
        String admin = "lock-admin-" + UUID.randomUUID();
        String colleague = "lock-colleague-" + UUID.randomUUID();
        roster(user, org, List.of("user"));
        roster(admin, org, List.of("user", "org-admin"));
        roster(colleague, org, List.of("user"));

        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CloudEvent lock = Bus.publish(Topics.VERIFICATIONS, new Events.UserLocked(user, org, 100, at));
        Bus.send(Topics.VERIFICATIONS, lock); // a redelivery
        settle(user, org);

        List<Events.EmailRequested> toUser = mails(user);
        assertThat(toUser).extracting(Events.EmailRequested::template).containsExactly(EmailTemplates.ACCOUNT_LOCKED);
        assertThat(toUser.get(0).to()).startsWith("v1:").doesNotContain(user);
        assertThat(keys.open(
                        SealedField.EMAIL, toUser.get(0).userId(), toUser.get(0).to()))
                .isEqualTo(user + "@example.test");
        List<Events.EmailRequested> toAdmin = mails(admin);
        assertThat(toAdmin)
                .extracting(Events.EmailRequested::template)
                .containsExactly(EmailTemplates.ADMIN_USER_LOCKED);
        assertThat(toAdmin.get(0).params()).containsEntry("lockedUserId", user);
        assertThat(keys.open(
                        SealedField.EMAIL,
                        toAdmin.get(0).userId(),
                        toAdmin.get(0).to()))
                .isEqualTo(admin + "@example.test");
        assertThat(mails(colleague)).isEmpty();
    }

    @Test
    void sustainedThrottlingIsMailedOncePerEpisode() {
        String org = "throttle-org-" + UUID.randomUUID();
        String user = "throttled-" + UUID.randomUUID();
        roster(user, org, List.of("user"));
        UUID challenge = UUID.randomUUID();
        CloudEvent tenth = null;
        for (int failures = 1; failures <= 12; failures++) {
            CloudEvent e = Bus.publish(
                    Topics.VERIFICATIONS,
                    new Events.VerificationFailed(challenge, user, org, "TOTP", failures, Instant.now()));
            if (failures == 10) {
                tenth = e;
            }
        }
        Bus.send(Topics.VERIFICATIONS, tenth); // a redelivery of the failure that triggered the notice
        settle(user, org);
        assertThat(mails(user))
                .extracting(Events.EmailRequested::template)
                .containsExactly(EmailTemplates.ACCOUNT_THROTTLED);
    }

    @Test
    void aSpentRecoveryCodeIsMailedOnce() {
        String org = "rcode-org-" + UUID.randomUUID();
        String user = "rcode-" + UUID.randomUUID();
        roster(user, org, List.of("user"));
        CloudEvent used = Bus.publish(
                Topics.VERIFICATIONS,
                new Events.RecoveryCodeUsed(UUID.randomUUID(), user, org, UUID.randomUUID(), Instant.now()));
        Bus.send(Topics.VERIFICATIONS, used);
        settle(user, org);
        assertThat(mails(user))
                .extracting(Events.EmailRequested::template)
                .containsExactly(EmailTemplates.RECOVERY_CODE_USED);
    }

    private static void roster(String userId, String orgId, List<String> groups) {
        CloudEvent e = Bus.publish(
                Topics.IDENTITY_USERS, new Events.UserUpserted(userId, orgId, userId + "@example.test", null, groups));
        Db.awaitProcessed(e.id());
    }

    /**
     * Records of one key are consumed in order: once a later marker event of the user is processed, every earlier
     * one (redeliveries included) was, and once the outbox is drained their e-mail requests are on the topic.
     */
    private static void settle(String user, String org) {
        CloudEvent marker = Bus.publish(
                Topics.VERIFICATIONS,
                new Events.VerificationFailed(UUID.randomUUID(), user, org, "TOTP", 1, Instant.now()));
        Db.awaitProcessed(marker.id());
        Db.awaitOutboxDrained();
    }

    private static List<Events.EmailRequested> mails(String recipient) {
        return Bus.events(Topics.EMAIL_REQUESTS, recipient).stream()
                .filter(e -> EventTypes.EMAIL_REQUESTED.equals(e.type()))
                .map(e -> Bus.data(e, Events.EmailRequested.class))
                .toList();
    }
}
