package dev.mfa.enrollment.messaging;

import static dev.mfa.enrollment.messaging.DeadlinesConsumerTest.payload;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.enrollment.repository.OrgAdminRepository;
import dev.mfa.enrollment.service.AccountNoticeService;
import dev.mfa.enrollment.service.AuditService;
import dev.mfa.enrollment.service.EnrollmentService;
import dev.mfa.enrollment.service.FactorService;
import dev.mfa.enrollment.service.RosterService;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** Which event type reaches which service, for the roster, sign-in outcome and SMS status consumers. */
class EventConsumersTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final EventCodec CODEC = new EventCodec();

    private final InMemoryProcessedEvents processed = new InMemoryProcessedEvents();

    private static void await(Uni<Void> consumed) {
        consumed.await().atMost(Duration.ofSeconds(10));
    }

    // ------------------------------------------------------------------------------------------ identity.users

    private final RosterService roster = mock(RosterService.class);
    private final OrgAdminRepository admins = mock(OrgAdminRepository.class);

    private IdentityUsersConsumer identityUsers() {
        when(roster.upsert(any())).thenReturn(Uni.createFrom().nullItem());
        when(roster.remove(any())).thenReturn(Uni.createFrom().nullItem());
        when(admins.set(anyString(), anyString(), anyBoolean(), any()))
                .thenReturn(Uni.createFrom().nullItem());
        when(admins.remove(anyString())).thenReturn(Uni.createFrom().nullItem());
        return new IdentityUsersConsumer(CODEC, processed, roster, admins, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aRosterUpsertRecordsTheUserAndWhetherTheyAreAnOrgAdminOncePerEvent() {
        IdentityUsersConsumer consumer = identityUsers();
        var admin = new Events.UserUpserted("u1", "acme", "u1@example.test", null, List.of("staff", "org-admin"));
        var staff = new Events.UserUpserted("u2", "acme", "u2@example.test", null, null);
        String first = payload(UUID.randomUUID(), admin);

        await(consumer.consume(first));
        await(consumer.consume(first));
        await(consumer.consume(payload(UUID.randomUUID(), staff)));

        InOrder order = inOrder(roster, admins);
        order.verify(roster).upsert(admin);
        order.verify(admins).set("u1", "acme", true, NOW);
        order.verify(roster).upsert(staff);
        order.verify(admins).set("u2", "acme", false, NOW);
        order.verifyNoMoreInteractions();
    }

    @Test
    void aRemovedUserLeavesTheRosterAndTheAdmins() {
        IdentityUsersConsumer consumer = identityUsers();
        var removed = new Events.UserRemoved("u1", "acme");

        await(consumer.consume(payload(UUID.randomUUID(), removed)));

        InOrder order = inOrder(roster, admins);
        order.verify(roster).remove(removed);
        order.verify(admins).remove("u1");
    }

    @Test
    void aRosterEventLackingItsKeysIsRejectedAndChangesNothing() {
        IdentityUsersConsumer consumer = identityUsers();
        for (var bad : List.of(
                new Events.UserUpserted("u1", "acme", null, null, List.of()),
                new Events.UserUpserted("u1", "", "u1@example.test", null, List.of()),
                new Events.UserUpserted(null, "acme", "u1@example.test", null, List.of()))) {
            assertThatThrownBy(() -> await(consumer.consume(payload(UUID.randomUUID(), bad))))
                    .isInstanceOf(EventCodec.EventFormatException.class);
        }
        assertThatThrownBy(
                        () -> await(consumer.consume(payload(UUID.randomUUID(), new Events.UserRemoved(" ", "acme")))))
                .isInstanceOf(EventCodec.EventFormatException.class);
        verifyNoInteractions(roster, admins);
    }

    // ------------------------------------------------------------------------------------------ mfa.verifications

    private final FactorService factors = mock(FactorService.class);
    private final AuditService audit = mock(AuditService.class);
    private final AccountNoticeService notices = mock(AccountNoticeService.class);

    private VerificationsConsumer verifications() {
        when(audit.verification(any())).thenReturn(Uni.createFrom().nullItem());
        when(factors.recoveryCodeUsed(any())).thenReturn(Uni.createFrom().nullItem());
        when(factors.factorUsed(any())).thenReturn(Uni.createFrom().nullItem());
        when(notices.recoveryCodeUsed(any())).thenReturn(Uni.createFrom().nullItem());
        when(notices.userLocked(any())).thenReturn(Uni.createFrom().nullItem());
        when(notices.verificationFailed(any())).thenReturn(Uni.createFrom().nullItem());
        return new VerificationsConsumer(CODEC, processed, factors, audit, notices);
    }

    @Test
    void aSpentRecoveryCodeIsAuditedMarkedUsedAndNoticed() {
        VerificationsConsumer consumer = verifications();
        var used = new Events.RecoveryCodeUsed(UUID.randomUUID(), "u1", "acme", UUID.randomUUID(), NOW);
        UUID id = UUID.randomUUID();

        await(consumer.consume(payload(id, used)));
        await(consumer.consume(payload(id, used)));

        InOrder order = inOrder(audit, factors, notices);
        ArgumentCaptor<CloudEvent> audited = ArgumentCaptor.forClass(CloudEvent.class);
        order.verify(audit).verification(audited.capture());
        order.verify(factors).recoveryCodeUsed(used);
        order.verify(notices).recoveryCodeUsed(used);
        order.verifyNoMoreInteractions();
        org.assertj.core.api.Assertions.assertThat(audited.getValue().id()).isEqualTo(id);
    }

    @Test
    void aLockIsAuditedAndNoticedAndTheOtherOutcomesGoToTheirOneService() {
        VerificationsConsumer consumer = verifications();
        var locked = new Events.UserLocked("u1", "acme", 10, NOW);
        var succeeded =
                new Events.VerificationSucceeded(UUID.randomUUID(), "u1", "acme", "TOTP", UUID.randomUUID(), NOW);
        var failed = new Events.VerificationFailed(UUID.randomUUID(), "u1", "acme", "TOTP", 3, NOW);

        await(consumer.consume(payload(UUID.randomUUID(), locked)));
        await(consumer.consume(payload(UUID.randomUUID(), succeeded)));
        await(consumer.consume(payload(UUID.randomUUID(), failed)));

        InOrder order = inOrder(audit, factors, notices);
        order.verify(audit).verification(any());
        order.verify(notices).userLocked(locked);
        order.verify(factors).factorUsed(succeeded);
        order.verify(notices).verificationFailed(failed);
        order.verifyNoMoreInteractions();
    }

    // ------------------------------------------------------------------------------------------ mfa.sms-status

    @Test
    void anUndeliverableSmsReachesEnrollmentOnceAndOtherTypesNothing() {
        EnrollmentService enrollments = mock(EnrollmentService.class);
        when(enrollments.smsFailed(any())).thenReturn(Uni.createFrom().nullItem());
        SmsStatusConsumer consumer = new SmsStatusConsumer(CODEC, processed, enrollments);
        var failed = new Events.SmsFailed(UUID.randomUUID(), "u1", "undeliverable", true, NOW);
        String payload = payload(UUID.randomUUID(), failed);

        await(consumer.consume(payload));
        await(consumer.consume(payload));
        await(consumer.consume(payload(UUID.randomUUID(), new Events.UserRemoved("u1", "acme"))));

        verify(enrollments).smsFailed(failed);
        org.mockito.Mockito.verifyNoMoreInteractions(enrollments);
    }
}
