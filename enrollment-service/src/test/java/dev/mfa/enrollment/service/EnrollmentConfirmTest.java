package dev.mfa.enrollment.service;

import static dev.mfa.enrollment.service.RuleTests.await;
import static dev.mfa.enrollment.service.RuleTests.item;
import static dev.mfa.enrollment.service.RuleTests.refused;
import static dev.mfa.enrollment.service.RuleTests.uniMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.crypto.FieldCipher;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.KeyPurpose;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.Events;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.NumericCodes;
import dev.mfa.core.otp.SecretGenerator;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.otp.TotpParameters;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.config.SmsConfig;
import dev.mfa.enrollment.config.TotpConfig;
import dev.mfa.enrollment.domain.Enrollment;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.repository.EnrollmentRepository;
import dev.mfa.enrollment.repository.FactorRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
import dev.mfa.enrollment.repository.SmsSendRepository;
import dev.mfa.enrollment.repository.UserLocks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The enrollment ceremony's rules against mocked repositories: what a code, right or wrong, changes. */
class EnrollmentConfirmTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final FieldKeys KEYS = new FieldKeys(
            Map.of(
                    KeyPurpose.TOTP, FieldCipher.fromSpec(FieldCipher.generateKeySpec("totp-1"), "totp-1"),
                    KeyPurpose.SMS, FieldCipher.fromSpec(FieldCipher.generateKeySpec("sms-1"), "sms-1")),
            null);
    private static final CodeHasher HASHER = new CodeHasher(new byte[CodeHasher.MIN_KEY_BYTES]);
    private static final Caller USER = new Caller("u1", "acme", Set.of(Caller.GROUP_USER), null);
    private static final String E164 = "+14155550189";

    private final EnrollmentRepository enrollments = uniMock(EnrollmentRepository.class);
    private final FactorRepository factorRows = uniMock(FactorRepository.class);
    private final FactorService factors = uniMock(FactorService.class);
    private final PolicyService policies = uniMock(PolicyService.class);
    private final AssertionVerifier assertions = mock(AssertionVerifier.class);
    private final SingleUseAssertions singleUse = uniMock(SingleUseAssertions.class);
    private final SmsConfig sms = mock(SmsConfig.class);
    private final TotpConfig totp = mock(TotpConfig.class);
    private EnrollmentService service;

    private final String base32 = Base32.encode(new SecretGenerator().newSecret());

    @BeforeEach
    void setUp() {
        when(sms.maxAttempts()).thenReturn(3);
        when(totp.enrollmentTtl()).thenReturn(Duration.ofMinutes(10));
        when(totp.issuer()).thenReturn("MFA Platform");
        when(policies.find("acme")).thenReturn(item(OrgPolicy.defaults("acme", NOW)));
        when(factorRows.countOfUser("u1")).thenReturn(item(0L));
        when(factors.add(any(), any(), any())).thenReturn(item("first-recovery-code"));
        service = new EnrollmentService(
                enrollments,
                factorRows,
                uniMock(OrgUserRepository.class),
                uniMock(SmsSendRepository.class),
                uniMock(UserLocks.class),
                uniMock(Outbox.class),
                CLOCK,
                KEYS,
                HASHER,
                new NumericCodes(),
                new SecretGenerator(),
                totp,
                sms,
                factors,
                mock(QrCodes.class),
                new SimpleMeterRegistry(),
                policies,
                assertions,
                singleUse);
    }

    // ------------------------------------------------------------------------------------------ wrong codes

    @Test
    void aWrongCodeCountsOneAttemptAndAddsNoFactor() {
        Enrollment e = pendingTotp();

        var outcome = confirm(e, wrongTotpCode());

        assertThat(outcome).isEqualTo(new EnrollmentService.WrongCode(EnrollmentService.MAX_ATTEMPTS_TOTP - 1));
        assertThat(e.attempts).isEqualTo(1);
        assertThat(e.status).isEqualTo(Enrollment.Status.PENDING);
        assertThat(e.secret).isNotNull();
        verify(factors, never()).add(any(), any(), any());
    }

    @Test
    void theLastWrongCodeFailsTheEnrollmentAndForgetsItsSecret() {
        Enrollment e = pendingTotp();
        e.attempts = EnrollmentService.MAX_ATTEMPTS_TOTP - 1;

        assertThat(confirm(e, wrongTotpCode())).isEqualTo(new EnrollmentService.WrongCode(0));

        assertThat(e.status).isEqualTo(Enrollment.Status.FAILED);
        assertThat(e.secret).isNull();
        assertThat(e.codeHash).isNull();
        verify(factors, never()).add(any(), any(), any());
    }

    @Test
    void smsCodesHaveTheirOwnAttemptLimit() {
        Enrollment e = pendingSms("123456");
        e.attempts = 1;

        assertThat(confirm(e, "654321")).isEqualTo(new EnrollmentService.WrongCode(1));
        assertThat(confirm(e, "654321")).isEqualTo(new EnrollmentService.WrongCode(0));
        assertThat(e.status).isEqualTo(Enrollment.Status.FAILED);
        // Failed for good: even the right code is refused now, and nothing more is counted.
        refused(() -> confirm(e, "123456"), 410, "enrollment-failed");
        assertThat(e.attempts).isEqualTo(3);
    }

    // ------------------------------------------------------------------------------------------ right codes

    @Test
    void theRightAuthenticatorCodeConfirmsAndHandsOverTheFactorAndItsSecret() {
        Enrollment e = pendingTotp();
        String code = new Totp(CLOCK, TotpParameters.DEFAULT).generate(Base32.decode(base32));

        var outcome = (EnrollmentService.Confirmed) confirm(e, code);

        assertThat(outcome.recoveryCode()).isEqualTo("first-recovery-code");
        assertThat(e.status).isEqualTo(Enrollment.Status.CONFIRMED);
        assertThat(e.secret).isNull();
        ArgumentCaptor<Factor> factor = ArgumentCaptor.forClass(Factor.class);
        ArgumentCaptor<Events.FactorEnrolled> event = ArgumentCaptor.forClass(Events.FactorEnrolled.class);
        verify(factors).add(factor.capture(), event.capture(), eq(NOW));
        Factor f = factor.getValue();
        assertThat(f.userId).isEqualTo("u1");
        assertThat(f.orgId).isEqualTo("acme");
        assertThat(f.method).isEqualTo(Method.TOTP);
        assertThat(f.label).isEqualTo(EnrollmentService.TOTP_LABEL);
        assertThat(f.lastUsedStep).isEqualTo(new Totp(CLOCK).currentStep());
        // Sealed at rest under the factor's own binding, and for verification-service under the user's.
        assertThat(KEYS.openAtRest(SealedField.TOTP_SECRET, "u1", f.factorId.toString(), f.secret, "-"))
                .isEqualTo(base32);
        assertThat(event.getValue().factorId()).isEqualTo(f.factorId);
        assertThat(KEYS.open(SealedField.TOTP_SECRET, "u1", event.getValue().totpSecret()))
                .isEqualTo(base32);
        assertThat(event.getValue().digits()).isEqualTo(TotpParameters.DEFAULT.digits());
        assertThat(outcome.factor().factorId()).isEqualTo(f.factorId);
        assertThat(outcome.factor().status()).isEqualTo("ACTIVE");
    }

    @Test
    void theRightSmsCodeConfirmsWithTheNumberAndItsMask() {
        Enrollment e = pendingSms("123456");

        assertThat(confirm(e, "123456")).isInstanceOf(EnrollmentService.Confirmed.class);

        assertThat(e.status).isEqualTo(Enrollment.Status.CONFIRMED);
        assertThat(e.phone).isNull();
        assertThat(e.codeHash).isNull();
        ArgumentCaptor<Factor> factor = ArgumentCaptor.forClass(Factor.class);
        ArgumentCaptor<Events.FactorEnrolled> event = ArgumentCaptor.forClass(Events.FactorEnrolled.class);
        verify(factors).add(factor.capture(), event.capture(), eq(NOW));
        assertThat(factor.getValue().label).isEqualTo("Phone ending in 89");
        assertThat(factor.getValue().phoneMasked).isEqualTo("+1 ••• 89");
        assertThat(KEYS.open(SealedField.PHONE, "u1", event.getValue().phone())).isEqualTo(E164);
        assertThat(event.getValue().totpSecret()).isNull();
    }

    // ------------------------------------------------------------------------------------------ refusals

    @Test
    void anEnrollmentNoLongerPendingIsGoneWhateverTheCode() {
        for (var status : List.of(Enrollment.Status.CONFIRMED, Enrollment.Status.FAILED, Enrollment.Status.CANCELLED)) {
            Enrollment e = pendingTotp();
            e.status = status;
            refused(
                    () -> confirm(e, wrongTotpCode()),
                    410,
                    "enrollment-" + status.name().toLowerCase());
            assertThat(e.attempts).isZero();
        }
        Enrollment expired = pendingTotp();
        expired.expiresAt = NOW;
        refused(() -> confirm(expired, wrongTotpCode()), 410, "enrollment-expired");
        assertThat(expired.attempts).isZero();
        verify(factors, never()).add(any(), any(), any());
    }

    @Test
    void anotherUsersEnrollmentIsNotFound() {
        UUID id = UUID.randomUUID();
        when(enrollments.lockOwned(id, "u1")).thenReturn(Uni.createFrom().nullItem());

        refused(() -> await(service.confirm(USER, id, "123456", null)), 404, "not-found");
    }

    @Test
    void aMethodTheOrgNoLongerAllowsCountsNoCodeAndAddsNothing() {
        OrgPolicy smsOnly = OrgPolicy.defaults("acme", NOW);
        smsOnly.allowedMethods = OrgPolicy.join(List.of(Method.SMS));
        when(policies.find("acme")).thenReturn(item(smsOnly));
        Enrollment e = pendingTotp();

        refused(() -> confirm(e, wrongTotpCode()), 422, "method-not-allowed");

        assertThat(e.attempts).isZero();
        verify(factors, never()).add(any(), any(), any());
    }

    // ------------------------------------------------------------------------------------------ step-up

    @Test
    void aUserWhoGotAFactorSinceTheStartNeedsAStepUpBeforeAnyCodeCounts() {
        when(factorRows.countOfUser("u1")).thenReturn(item(1L));
        when(assertions.verify(USER, null))
                .thenThrow(ProblemException.unauthorized("mfa-assertion-required", "Verify first."));
        Enrollment e = pendingTotp();

        refused(() -> confirm(e, wrongTotpCode()), 401, "mfa-assertion-required");

        assertThat(e.attempts).isZero();
        verify(singleUse, never()).spend(any(), any());
    }

    @Test
    void theStepUpIsSpentOnlyWhenTheFactorIsAdded() {
        when(factorRows.countOfUser("u1")).thenReturn(item(1L));
        var verified = new AssertionVerifier.Verified("jti-1", NOW.plusSeconds(60));
        when(assertions.verify(USER, "assertion")).thenReturn(verified);
        Enrollment e = pendingSms("123456");
        when(enrollments.lockOwned(e.enrollmentId, "u1")).thenReturn(item(e));

        await(service.confirm(USER, e.enrollmentId, "999999", "assertion"));
        verify(singleUse, never()).spend(any(), any());
        assertThat(e.attempts).isEqualTo(1);

        await(service.confirm(USER, e.enrollmentId, "123456", "assertion"));
        verify(singleUse).spend(USER, verified);
    }

    @Test
    void aStartThatWasSteppedUpNeedsNoSecondStepAtConfirmation() {
        Enrollment e = pendingSms("123456");
        e.steppedUp = true;

        assertThat(confirm(e, "123456")).isInstanceOf(EnrollmentService.Confirmed.class);

        verify(factorRows, never()).countOfUser(anyString());
        verify(assertions, never()).verify(any(), any());
    }

    // ------------------------------------------------------------------------------------------ start, SMS status

    @Test
    void aNewAuthenticatorStartCancelsThePendingOneAndKeepsTheSecretSealed() {
        var started = await(service.startTotp(USER, false));

        verify(enrollments).cancelPending("u1", Method.TOTP);
        ArgumentCaptor<Enrollment> saved = ArgumentCaptor.forClass(Enrollment.class);
        verify(enrollments).persist(saved.capture());
        Enrollment e = saved.getValue();
        assertThat(e.enrollmentId).isEqualTo(started.enrollmentId());
        assertThat(e.status).isEqualTo(Enrollment.Status.PENDING);
        assertThat(e.expiresAt).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        assertThat(e.secret).doesNotContain(started.secret());
        assertThat(KEYS.openAtRest(SealedField.TOTP_SECRET, "u1", e.enrollmentId.toString(), e.secret, "-"))
                .isEqualTo(started.secret());
    }

    @Test
    void anUndeliveredCodeAllowsAResendNow() {
        UUID requestId = UUID.randomUUID();
        when(enrollments.allowResendNow(requestId, NOW)).thenReturn(item(1));

        assertThat(await(service.smsFailed(new Events.SmsFailed(requestId, "u1", "rejected", true, NOW))))
                .isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private EnrollmentService.ConfirmOutcome confirm(Enrollment e, String code) {
        when(enrollments.lockOwned(e.enrollmentId, "u1")).thenReturn(item(e));
        return await(service.confirm(USER, e.enrollmentId, code, null));
    }

    private Enrollment pendingTotp() {
        Enrollment e = pending(Method.TOTP);
        e.secret = KEYS.sealAtRest(SealedField.TOTP_SECRET, "u1", e.enrollmentId.toString(), base32);
        return e;
    }

    private Enrollment pendingSms(String code) {
        Enrollment e = pending(Method.SMS);
        e.phone = KEYS.sealAtRest(SealedField.PHONE, "u1", e.enrollmentId.toString(), E164);
        e.phoneMasked = "+1 ••• 89";
        e.country = "US";
        e.codeHash = HASHER.hash(code);
        return e;
    }

    private static Enrollment pending(Method method) {
        Enrollment e = new Enrollment();
        e.enrollmentId = UUID.randomUUID();
        e.userId = "u1";
        e.orgId = "acme";
        e.method = method;
        e.status = Enrollment.Status.PENDING;
        e.createdAt = NOW.minusSeconds(60);
        e.expiresAt = NOW.plusSeconds(540);
        return e;
    }

    /** A well-formed code of none of the steps the check accepts. */
    private String wrongTotpCode() {
        Totp t = new Totp(CLOCK, TotpParameters.DEFAULT);
        byte[] key = Base32.decode(base32);
        long now = t.currentStep();
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            boolean accepted = false;
            for (long step = now - 2; step <= now + 2; step++) {
                accepted |= t.generateAt(key, step).equals(code);
            }
            if (!accepted) {
                return code;
            }
        }
    }
}
