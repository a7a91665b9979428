package dev.mfa.notification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.SmsFixtures;
import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.domain.RequestState;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.repository.EmailRequestRepository;
import dev.mfa.notification.repository.SmsRequestRepository;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The intake rules of both channels against mocked repositories: exactly once per request id, abuse caps. */
class IntakeTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:15:00Z");
    private static final String USER = "user-1";
    private static final String NUMBER = "+15550000001";
    private static final String ADDRESS = "someone@example.org";

    private final Outbox outbox = mock(Outbox.class);
    private final NotificationMetrics metrics = mock(NotificationMetrics.class);
    private final SmsRequestRepository sms = mock(SmsRequestRepository.class);
    private final EmailRequestRepository email = mock(EmailRequestRepository.class);
    private final CodeHasher hasher = new CodeHasher(new byte[32]);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private SmsIntake smsIntake;
    private EmailIntake emailIntake;

    @BeforeEach
    void setUp() {
        NotificationConfig config = mock(NotificationConfig.class);
        NotificationConfig.Abuse abuse = mock(NotificationConfig.Abuse.class);
        when(config.abuse()).thenReturn(abuse);
        when(abuse.allowedCountries()).thenReturn(List.of("US"));
        when(abuse.perDestinationPerHour()).thenReturn(5);
        when(abuse.perCountryPerHour()).thenReturn(1000);
        when(abuse.countryCapMap()).thenReturn(Map.of());
        when(abuse.countryCaps()).thenReturn(Optional.empty());
        EmailConfig emailConfig = mock(EmailConfig.class);
        when(emailConfig.perRecipientPerHour()).thenReturn(3);
        when(emailConfig.maxAge()).thenReturn(Duration.ofHours(24));
        when(outbox.publish(anyString(), any(EventData.class)))
                .thenReturn(Uni.createFrom().nullItem());
        for (var repository : List.of(sms, email)) {
            when(repository.lockRecorded(any())).thenReturn(Uni.createFrom().item(false));
            when(repository.lock(anyString())).thenReturn(Uni.createFrom().voidItem());
        }
        when(sms.persist(any())).thenReturn(Uni.createFrom().voidItem());
        when(email.persist(any())).thenReturn(Uni.createFrom().voidItem());
        when(sms.countByDestinationSince(anyString(), anyString(), any()))
                .thenReturn(Uni.createFrom().item(0L));
        when(sms.countByCountrySince(anyString(), anyString(), any()))
                .thenReturn(Uni.createFrom().item(0L));
        when(email.countByRecipientSince(anyString(), any()))
                .thenReturn(Uni.createFrom().item(0L));
        smsIntake = new SmsIntake(SmsFixtures.KEYS, hasher, outbox, sms, config, metrics, clock);
        emailIntake = new EmailIntake(SmsFixtures.KEYS, hasher, outbox, email, emailConfig, metrics, clock);
    }

    private static Events.SmsRequested smsRequest(UUID requestId, String country) {
        return new Events.SmsRequested(
                requestId,
                USER,
                "SIGN_IN",
                country,
                SmsFixtures.KEYS.seal(SealedField.PHONE, USER, NUMBER),
                SmsFixtures.KEYS.seal(SealedField.SMS_CODE, USER, "123456"),
                NOW.plus(Duration.ofMinutes(5)));
    }

    private void acceptSms(Events.SmsRequested data) {
        CloudEvent event = SmsFixtures.CODEC.wrap("/test", data, NOW);
        smsIntake.accept(event, data).await().indefinitely();
    }

    private void acceptEmail(Events.EmailRequested data) {
        CloudEvent event = SmsFixtures.CODEC.wrap("/test", data, NOW);
        emailIntake.accept(event, data).await().indefinitely();
    }

    private static Events.EmailRequested emailRequest(UUID requestId) {
        return new Events.EmailRequested(
                requestId, USER, "admin-reset", SmsFixtures.KEYS.seal(SealedField.EMAIL, USER, ADDRESS), Map.of());
    }

    private SmsRequest persistedSms() {
        ArgumentCaptor<SmsRequest> row = ArgumentCaptor.forClass(SmsRequest.class);
        verify(sms).persist(row.capture());
        return row.getValue();
    }

    @Test
    void anSmsRequestWithinTheCapsIsQueuedWithItsNumberAndCodeSealedToTheRow() {
        UUID id = UUID.randomUUID();
        acceptSms(smsRequest(id, "us"));
        SmsRequest row = persistedSms();
        assertThat(row.state).isEqualTo(RequestState.PENDING);
        assertThat(row.counted).isTrue();
        assertThat(row.country).isEqualTo("US");
        assertThat(row.nextAttemptAt).isEqualTo(NOW);
        assertThat(SmsRequest.openRecipient(SmsFixtures.KEYS, USER, id, row.recipient))
                .isEqualTo(NUMBER);
        assertThat(SmsRequest.openCode(SmsFixtures.KEYS, USER, id, row.code)).isEqualTo("123456");
        verify(outbox, never()).publish(anyString(), any(EventData.class));
    }

    @Test
    void aRequestIdAlreadyRecordedIsSkippedOnBothChannels() {
        when(sms.lockRecorded(any())).thenReturn(Uni.createFrom().item(true));
        when(email.lockRecorded(any())).thenReturn(Uni.createFrom().item(true));
        acceptSms(smsRequest(UUID.randomUUID(), "US"));
        acceptEmail(emailRequest(UUID.randomUUID()));
        verify(sms, never()).persist(any());
        verify(email, never()).persist(any());
        verify(outbox, never()).publish(anyString(), any(EventData.class));
    }

    @Test
    void theFifthSignInCodeToOneNumberWithinAnHourIsTheLast() {
        when(sms.countByDestinationSince(anyString(), anyString(), any()))
                .thenReturn(Uni.createFrom().item(5L));
        UUID id = UUID.randomUUID();
        acceptSms(smsRequest(id, "US"));
        SmsRequest row = persistedSms();
        assertThat(row.state).isEqualTo(RequestState.FAILED);
        assertThat(row.counted).isFalse();
        assertThat(row.recipient).isNull();
        verify(sms).countByDestinationSince(anyString(), anyString(), any());
        verify(metrics).abuseRefused("destination", "US");
        verify(outbox).publish(Topics.SMS_STATUS, new Events.SmsFailed(id, USER, "rate_limited", false, NOW));
    }

    @Test
    void aCountryOverItsCapRefusesTheRequest() {
        when(sms.countByCountrySince(anyString(), anyString(), any()))
                .thenReturn(Uni.createFrom().item(1000L));
        UUID id = UUID.randomUUID();
        acceptSms(smsRequest(id, "US"));
        assertThat(persistedSms().failureReason).isEqualTo("rate_limited");
        verify(metrics).abuseRefused("country", "US");
    }

    @Test
    void aNumberOutsideTheAllowedCountriesIsRefusedPermanently() {
        UUID id = UUID.randomUUID();
        acceptSms(smsRequest(id, "GB"));
        assertThat(persistedSms().state).isEqualTo(RequestState.FAILED);
        verify(outbox).publish(Topics.SMS_STATUS, new Events.SmsFailed(id, USER, "country_not_allowed", true, NOW));
    }

    @Test
    void anEmailOverThePerRecipientCapIsRefusedAndNotCounted() {
        when(email.countByRecipientSince(anyString(), any()))
                .thenReturn(Uni.createFrom().item(3L));
        UUID id = UUID.randomUUID();
        acceptEmail(emailRequest(id));
        ArgumentCaptor<EmailRequest> row = ArgumentCaptor.forClass(EmailRequest.class);
        verify(email).persist(row.capture());
        assertThat(row.getValue().state).isEqualTo(RequestState.FAILED);
        assertThat(row.getValue().counted).isFalse();
        verify(outbox)
                .publish(
                        Topics.EMAIL_STATUS,
                        new Events.EmailFailed(id, USER, "admin-reset", "rate_limited", false, NOW));
    }

    @Test
    void anEmailWithinTheCapIsQueuedUntilItsMaxAge() {
        UUID id = UUID.randomUUID();
        acceptEmail(emailRequest(id));
        ArgumentCaptor<EmailRequest> row = ArgumentCaptor.forClass(EmailRequest.class);
        verify(email).persist(row.capture());
        assertThat(row.getValue().state).isEqualTo(RequestState.PENDING);
        assertThat(row.getValue().counted).isTrue();
        assertThat(row.getValue().expiresAt).isEqualTo(NOW.plus(Duration.ofHours(24)));
        assertThat(EmailRequest.openRecipient(SmsFixtures.KEYS, USER, id, row.getValue().recipient))
                .isEqualTo(ADDRESS);
    }
}
