package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.localstack.testing.OutboxHistory;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** "Factor added" and "factor removed" e-mail requests: to the roster's address, encrypted, one per factor. */
@QuarkusTest
class SecurityNoticesIT {

    private static final String ORG = "totp-org"; // AuthenticatorAppIT's helpers enroll there

    @jakarta.inject.Inject
    FieldKeys keys;

    @Test
    void addingAndRemovingAFactorAskForOneEncryptedNoticeEach() {
        String user = "notice-" + UUID.randomUUID();
        Db.user(user, ORG, null, "OPTIONAL"); // address user@totp-org.test
        String factorId = AuthenticatorAppIT.enroll(user);

        CloudEvent added = Bus.await(Topics.EMAIL_REQUESTS, user, EventTypes.EMAIL_REQUESTED, 1)
                .get(0);
        Events.EmailRequested data = Bus.data(added, Events.EmailRequested.class);
        assertThat(data.template()).isEqualTo(EmailTemplates.FACTOR_ADDED);
        assertThat(data.userId()).isEqualTo(user);
        assertThat(data.to()).startsWith("v1:").doesNotContain(user);
        assertThat(keys.open(SealedField.EMAIL, user, data.to())).isEqualTo(user + "@" + ORG + ".test");
        assertThat(data.params()).containsEntry("method", "TOTP").containsKey("at");
        assertThat(Instant.parse(data.params().get("at"))).isNotNull();
        assertThat(data.requestId())
                .isEqualTo(UUID.nameUUIDFromBytes(
                        ("factor-added:" + factorId).getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        Api.user(user, ORG)
                .header("X-Reauth-Token", Api.reauth(user, ORG))
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .delete("/api/v1/me/mfa/factors/" + factorId)
                .then()
                .statusCode(204);
        var requests = Bus.await(Topics.EMAIL_REQUESTS, user, EventTypes.EMAIL_REQUESTED, 2);
        Events.EmailRequested removed = Bus.data(requests.get(1), Events.EmailRequested.class);
        assertThat(removed.template()).isEqualTo(EmailTemplates.FACTOR_REMOVED);
        assertThat(removed.params()).containsEntry("method", "TOTP");
        assertThat(removed.requestId()).isNotEqualTo(data.requestId());
    }

    @Test
    void aUserWithoutAnAddressInTheRosterGetsNoNotice() throws Exception {
        Db.keepOutboxHistory();
        String user = "notice-none-" + UUID.randomUUID();
        AuthenticatorAppIT.enroll(user);
        // The notice would be written in the same transaction as the enrollment event: once that one is in the
        // outbox, the absence of a notice is final.
        Bus.await(Topics.FACTORS, user, EventTypes.FACTOR_ENROLLED, 1);
        assertThat(Db.count(
                        "select count(*) from " + OutboxHistory.TABLE + " where topic = ? and payload like ?",
                        Topics.EMAIL_REQUESTS,
                        "%" + user + "%"))
                .isZero();
    }
}
