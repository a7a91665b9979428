package dev.mfa.verification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.recovery.RecoveryCodeHasher;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.core.security.Caller;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.domain.RecoveryCode;
import dev.mfa.verification.domain.UserState;
import dev.mfa.verification.repository.VerificationRepository;
import dev.mfa.verification.repository.VerificationRepository.Attempt;
import dev.mfa.verification.repository.VerificationRepository.Attempted;
import dev.mfa.verification.repository.VerificationRepository.TotpTry;
import dev.mfa.verification.repository.VerificationRepository.Write;
import dev.mfa.verification.service.VerificationService.Locked;
import dev.mfa.verification.service.VerificationService.Outcome;
import dev.mfa.verification.service.VerificationService.Rejected;
import dev.mfa.verification.service.VerificationService.Throttled;
import dev.mfa.verification.service.VerificationService.Verified;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verification rules against a mocked {@link VerificationRepository}: the mock hands the rules the attempt a test
 * sets up and stands for the database's conditional write (a code is accepted when it matched something and
 * {@link #useStillFree}), so every rule is checked without a booted service.
 */
class VerificationServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final String USER = "alice";
    private static final String ORG = "acme";
    private static final Caller CALLER = new Caller(USER, ORG, Set.of(Caller.GROUP_USER), null);
    private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final int FREE = 5;
    private static final int LOCK_AFTER = 10;
    private static final Duration BASE_DELAY = Duration.ofSeconds(1);

    private final TestClock clock = TestClock.frozenAt(NOW);
    private final Totp totp = new Totp(clock);
    private final CodeHasher smsHasher = new CodeHasher(new byte[32]);
    private final RecoveryCodeHasher recoveryHasher = new RecoveryCodeHasher(new byte[32]);
    private final VerificationRepository repository = mock(VerificationRepository.class);
    private final FieldKeys keys = mock(FieldKeys.class);
    private final AssertionSigner signer = mock(AssertionSigner.class);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OpenedChallenges openedHere = new OpenedChallenges(16, clock);
    private final VerificationService service = new VerificationService(
            repository,
            new ThrottlePolicy(FREE, BASE_DELAY, Duration.ofMinutes(15), LOCK_AFTER),
            signer,
            keys,
            smsHasher,
            recoveryHasher,
            totp,
            new VerificationMetrics(registry),
            openedHere,
            clock);

    private final String rightRecoveryCode = new RecoveryCodes().generate();
    private final String wrongRecoveryCode = new RecoveryCodes().generate();
    private final UUID challengeId = UUID.randomUUID();
    private final UUID factorId = UUID.randomUUID();
    private final UUID recoveryCodeId = UUID.randomUUID();
    private final UserState state = new UserState();
    private final Challenge challenge = new Challenge();
    private final Factor factor = new Factor();
    private final RecoveryCode recoveryCode = new RecoveryCode();
    /** What the database's conditional update of the code's use would answer. */
    private boolean useStillFree = true;
    /** What the rules asked the repository to write (null: nothing). */
    private final List<Write> writes = new ArrayList<>();

    @BeforeEach
    void attempt() {
        state.userId = USER;
        challenge.challengeId = challengeId;
        challenge.userId = USER;
        challenge.orgId = ORG;
        challenge.methods = "TOTP,SMS,RECOVERY_CODE";
        challenge.createdAt = NOW.minusSeconds(60);
        challenge.expiresAt = NOW.plusSeconds(240);
        factor.factorId = factorId;
        factor.userId = USER;
        factor.method = Factor.TOTP;
        factor.secretEnc = "sealed-secret";
        recoveryCode.userId = USER;
        recoveryCode.recoveryCodeId = recoveryCodeId;
        recoveryCode.codeHash = recoveryHasher.hash(rightRecoveryCode);
        when(keys.openAtRest(any(), eq(USER), eq(factorId.toString()), eq("sealed-secret"), anyString()))
                .thenReturn(Base32.encode(SECRET));
        when(signer.sign(eq(USER), eq(ORG), any(), eq(NOW))).thenReturn("signed-assertion");
        givenAttempt(new Attempt(state, challenge, List.of(factor), recoveryCode));
        // By default the look without locks finds nothing, so TOTP takes the locked path these rules are written for;
        // the tests of the one-statement path below set what the look sees.
        when(repository.peek(USER, challengeId)).thenReturn(Uni.createFrom().nullItem());
    }

    @SuppressWarnings("unchecked")
    private void givenAttempt(Attempt attempt) {
        when(repository.attempt(eq(USER), eq(ORG), eq(challengeId), any(), eq(NOW), any()))
                .thenAnswer(inv -> {
                    Write write = ((Function<Attempt, Write>) inv.getArgument(5)).apply(attempt);
                    writes.add(write);
                    boolean accepted = write != null && write.proof() != null && useStillFree;
                    return Uni.createFrom().item(new Attempted(attempt, write, accepted));
                });
    }

    private Outcome verifyWith(Method method, String code) {
        return service.verify(CALLER, challengeId, method, code).await().indefinitely();
    }

    private Write written() {
        assertThat(writes).hasSize(1);
        return writes.get(0);
    }

    private String currentTotp() {
        return totp.generate(SECRET);
    }

    private static List<Class<?>> types(List<EventData> events) {
        return events.stream().<Class<?>>map(Object::getClass).toList();
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    // ------------------------------------------------------------------ TOTP

    @Test
    void rightTotpCodeIsVerifiedTakingItsStepWithTheSuccessEvent() {
        Outcome outcome = verifyWith(Method.TOTP, currentTotp());

        assertThat(outcome).isEqualTo(new Verified("signed-assertion", false));
        Write w = written();
        assertThat(w.proof()).isEqualTo(factorId);
        assertThat(w.step()).isEqualTo(NOW.getEpochSecond() / 30);
        assertThat(w.onSuccess()).singleElement().isInstanceOfSatisfying(Events.VerificationSucceeded.class, e -> {
            assertThat(e.factorId()).isEqualTo(factorId);
            assertThat(e.method()).isEqualTo("TOTP");
        });
    }

    @Test
    void wrongCodeCountsTowardTheThrottle() {
        state.consecutiveFailures = 2;

        Outcome outcome = verifyWith(Method.TOTP, wrongTotp());

        assertThat(outcome).isEqualTo(new Rejected(FREE - 3, null));
        Write w = written();
        assertThat(w.proof()).isNull();
        assertThat(w.failures()).isEqualTo(3);
        assertThat(w.blockedUntil()).isNull();
        assertThat(w.onSuccess()).isEmpty();
        assertThat(w.onFailure())
                .singleElement()
                .isInstanceOfSatisfying(
                        Events.VerificationFailed.class,
                        e -> assertThat(e.consecutiveFailures()).isEqualTo(3));
        verify(signer, never()).sign(any(), any(), any(), any());
    }

    @Test
    void theFailureThatUsesUpTheFreeOnesImposesTheBaseDelay() {
        state.consecutiveFailures = FREE - 1;

        Outcome outcome = verifyWith(Method.TOTP, "not-a-code");

        assertThat(outcome).isEqualTo(new Rejected(0, 1L));
        assertThat(written().blockedUntil()).isEqualTo(NOW.plus(BASE_DELAY));
    }

    @Test
    void theNthConsecutiveFailureLocksTheUserWithTheLockEvent() {
        state.consecutiveFailures = LOCK_AFTER - 1;

        verifyWith(Method.TOTP, "not-a-code");

        Write w = written();
        assertThat(w.lockNow()).isTrue();
        assertThat(types(w.onFailure())).containsExactly(Events.VerificationFailed.class, Events.UserLocked.class);
        assertThat(counter("mfa.verification.users.locked")).isEqualTo(1);
    }

    @Test
    void oneFailureBeforeTheLimitDoesNotLock() {
        state.consecutiveFailures = LOCK_AFTER - 2;

        verifyWith(Method.TOTP, "not-a-code");

        assertThat(written().lockNow()).isFalse();
        assertThat(types(written().onFailure())).containsExactly(Events.VerificationFailed.class);
        assertThat(counter("mfa.verification.users.locked")).isZero();
    }

    @Test
    void aLockedUserIsRefusedWithoutTheCodeBeingLookedAt() {
        state.lockedAt = NOW.minusSeconds(5);

        Outcome outcome = verifyWith(Method.TOTP, currentTotp());

        assertThat(outcome).isEqualTo(new Locked());
        assertThat(writes).containsExactly((Write) null);
        verify(keys, never()).openAtRest(any(), any(), any(), any(), any());
    }

    @Test
    void aWaitingUserIsThrottledWithTheSecondsLeft() {
        state.consecutiveFailures = FREE + 2;
        state.blockedUntil = NOW.plusMillis(2500);

        Outcome outcome = verifyWith(Method.TOTP, currentTotp());

        assertThat(outcome).isEqualTo(new Throttled(3));
        assertThat(writes).containsExactly((Write) null);
        verify(keys, never()).openAtRest(any(), any(), any(), any(), any());
    }

    @Test
    void onceTheWaitIsOverTheCodeCountsAgain() {
        state.consecutiveFailures = FREE + 2;
        state.blockedUntil = NOW;

        assertThat(verifyWith(Method.TOTP, currentTotp())).isInstanceOf(Verified.class);
        assertThat(written().proof()).isEqualTo(factorId);
    }

    @Test
    void aStepAlreadyUsedIsRefused() {
        factor.lastUsedStep = NOW.getEpochSecond() / 30;

        assertThat(verifyWith(Method.TOTP, currentTotp())).isInstanceOf(Rejected.class);
        assertThat(written().proof()).isNull();
    }

    @Test
    void aCodeWhoseUseWasTakenMeanwhileIsRejectedAndNoAssertionIsSigned() {
        useStillFree = false;

        Outcome outcome = verifyWith(Method.TOTP, currentTotp());

        assertThat(outcome).isEqualTo(new Rejected(FREE - 1, null));
        verify(signer, never()).sign(any(), any(), any(), any());
    }

    // ------------------------------------------------------------------ the challenge

    @Test
    void noSuchChallengeIsNotFound() {
        givenAttempt(null);

        assertThatThrownBy(() -> verifyWith(Method.TOTP, currentTotp()))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        p -> assertThat(p.problem().status()).isEqualTo(404));
    }

    @Test
    void anExpiredChallengeIsGoneAndNothingIsWritten() {
        challenge.expiresAt = NOW;

        assertProblem(Method.TOTP, 410, "challenge-expired");
    }

    @Test
    void aVerifiedChallengeTakesNoSecondCode() {
        challenge.completedAt = NOW.minusSeconds(1);

        assertProblem(Method.TOTP, 409, "challenge-completed");
    }

    @Test
    void aMethodTheChallengeDoesNotOfferIsRefused() {
        challenge.methods = "TOTP";

        assertProblem(Method.SMS, 422, "method-not-offered");
    }

    private void assertProblem(Method method, int status, String slug) {
        assertThatThrownBy(() -> verifyWith(method, "123456")).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.problem().status()).isEqualTo(status);
            assertThat(p.problem().type()).endsWith(slug);
        });
        assertThat(writes).isEmpty();
        verify(keys, never()).openAtRest(any(), any(), any(), any(), any());
    }

    // ------------------------------------------------------------------ recovery code

    @Test
    void theRecoveryCodeVerifiesALockedUserWithItsUseEvent() {
        state.lockedAt = NOW.minusSeconds(60);
        state.consecutiveFailures = LOCK_AFTER;

        Outcome outcome = verifyWith(Method.RECOVERY_CODE, rightRecoveryCode);

        assertThat(outcome).isEqualTo(new Verified("signed-assertion", true));
        Write w = written();
        assertThat(w.proof()).isEqualTo(recoveryCodeId);
        assertThat(types(w.onSuccess()))
                .containsExactly(Events.VerificationSucceeded.class, Events.RecoveryCodeUsed.class);
        assertThat(((Events.VerificationSucceeded) w.onSuccess().get(0)).factorId())
                .isNull();
    }

    @Test
    void aWrongRecoveryCodeOfALockedUserCountsWithoutASecondLock() {
        state.lockedAt = NOW.minusSeconds(60);
        state.consecutiveFailures = LOCK_AFTER;

        assertThat(verifyWith(Method.RECOVERY_CODE, wrongRecoveryCode)).isInstanceOf(Rejected.class);
        Write w = written();
        assertThat(w.failures()).isEqualTo(LOCK_AFTER + 1);
        assertThat(w.lockNow()).isFalse();
        assertThat(types(w.onFailure())).containsExactly(Events.VerificationFailed.class);
    }

    @Test
    void aUsedRecoveryCodeIsRefused() {
        recoveryCode.usedAt = NOW.minusSeconds(3600);

        assertThat(verifyWith(Method.RECOVERY_CODE, rightRecoveryCode)).isInstanceOf(Rejected.class);
        assertThat(written().proof()).isNull();
    }

    @Test
    void theRecoveryCodeIsThrottledLikeAnyOtherCode() {
        state.lockedAt = NOW.minusSeconds(60);
        state.blockedUntil = NOW.plusSeconds(30);

        assertThat(verifyWith(Method.RECOVERY_CODE, rightRecoveryCode)).isEqualTo(new Throttled(30));
    }

    // ------------------------------------------------------------------ SMS

    @Test
    void theLiveSmsCodeVerifies() {
        challenge.smsCodeHash = smsHasher.hash("482913");
        challenge.smsCodeExpiresAt = NOW.plusSeconds(1);

        assertThat(verifyWith(Method.SMS, "482913")).isInstanceOf(Verified.class);
        assertThat(written().proof()).isEqualTo(challengeId);
    }

    @Test
    void anExpiredSmsCodeIsRefused() {
        challenge.smsCodeHash = smsHasher.hash("482913");
        challenge.smsCodeExpiresAt = NOW;

        assertThat(verifyWith(Method.SMS, "482913")).isInstanceOf(Rejected.class);
        assertThat(written().proof()).isNull();
    }

    @Test
    void withoutAnSmsCodeSentNothingMatches() {
        assertThat(verifyWith(Method.SMS, "482913")).isInstanceOf(Rejected.class);
        assertThat(written().failures()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ TOTP in one statement (the hot path)

    /** The look without locks sees the test's state, challenge and factor; the one statement answers {@code ok}. */
    private void givenLookAndStatement(boolean ok) {
        when(repository.peek(USER, challengeId))
                .thenReturn(Uni.createFrom().item(new Attempt(state, challenge, List.of(factor), null)));
        givenStatement(ok);
    }

    /**
     * The one statement finds the test's state under the lock, and takes the code when a factor was matched, its gate
     * passes (not locked, no wait running) and {@code ok} (nothing taken meanwhile).
     */
    private void givenStatement(boolean ok) {
        when(repository.tryTotp(eq(USER), eq(challengeId), any(), any(Long.class), eq(NOW), any()))
                .thenAnswer(inv -> {
                    boolean gate =
                            state.lockedAt == null && (state.blockedUntil == null || !NOW.isBefore(state.blockedUntil));
                    boolean taken = ok && gate && inv.getArgument(2) != null;
                    return Uni.createFrom().item(new TotpTry(taken, stateAsLocked()));
                });
    }

    private UserState stateAsLocked() {
        UserState locked = new UserState();
        locked.userId = USER;
        locked.lockedAt = state.lockedAt;
        locked.blockedUntil = state.blockedUntil;
        return locked;
    }

    /** Verified by the one statement, which took the current step of the factor with the success event. */
    private void assertVerifiedInOneStatement(Outcome outcome) {
        assertThat(outcome).isEqualTo(new Verified("signed-assertion", false));
        verify(repository)
                .tryTotp(
                        eq(USER),
                        eq(challengeId),
                        eq(factorId),
                        eq(NOW.getEpochSecond() / 30),
                        eq(NOW),
                        org.mockito.ArgumentMatchers.argThat(e -> e instanceof Events.VerificationSucceeded s
                                && s.factorId().equals(factorId)
                                && s.method().equals("TOTP")));
        verify(repository, never()).attempt(any(), any(), any(), any(), any(), any());
    }

    private String wrongTotp() {
        return "000000".equals(currentTotp()) ? "111111" : "000000";
    }

    @Test
    void aMatchingTotpCodeIsTakenInOneStatementWithTheSuccessEventAndNoLockedAttempt() {
        givenLookAndStatement(true);

        Outcome outcome = verifyWith(Method.TOTP, currentTotp());

        assertVerifiedInOneStatement(outcome);
    }

    @Test
    void whenTheStatementRefusesTheLockedPathDecidesAndCounts() {
        givenLookAndStatement(false);
        useStillFree = false; // the parallel replay that won took the step

        Outcome outcome = verifyWith(Method.TOTP, currentTotp());

        assertThat(outcome).isEqualTo(new Rejected(FREE - 1, null));
        assertThat(written().failures()).isEqualTo(1);
        verify(signer, never()).sign(any(), any(), any(), any());
    }

    @Test
    void aWrongCodeSkipsTheStatementAndIsCountedOnTheLockedPath() {
        givenLookAndStatement(true);

        Outcome outcome = verifyWith(Method.TOTP, wrongTotp());

        assertThat(outcome).isEqualTo(new Rejected(FREE - 1, null));
        assertThat(written().failures()).isEqualTo(1);
        verify(repository, never()).tryTotp(any(), any(), any(), any(Long.class), any(), any());
    }

    @Test
    void aUserSeenLockedIsRefusedWithoutTheCodeBeingLookedAtOrAnyWrite() {
        state.lockedAt = NOW.minusSeconds(5);
        givenLookAndStatement(true);

        assertThat(verifyWith(Method.TOTP, currentTotp())).isEqualTo(new Locked());
        verify(keys, never()).openAtRest(any(), any(), any(), any(), any());
        verify(repository, never()).tryTotp(any(), any(), any(), any(Long.class), any(), any());
        verify(repository, never()).attempt(any(), any(), any(), any(), any(), any());
    }

    @Test
    void aUserSeenWaitingIsThrottledWithoutTheCodeBeingLookedAtOrAnyWrite() {
        state.consecutiveFailures = FREE + 2;
        state.blockedUntil = NOW.plusMillis(2500);
        givenLookAndStatement(true);

        assertThat(verifyWith(Method.TOTP, currentTotp())).isEqualTo(new Throttled(3));
        verify(keys, never()).openAtRest(any(), any(), any(), any(), any());
        verify(repository, never()).tryTotp(any(), any(), any(), any(Long.class), any(), any());
        verify(repository, never()).attempt(any(), any(), any(), any(), any(), any());
    }

    @Test
    void aChallengeSeenCompletedIsAnsweredByTheLockedPath() {
        challenge.completedAt = NOW.minusSeconds(1);
        givenLookAndStatement(true);

        assertProblem(Method.TOTP, 409, "challenge-completed");
        verify(repository, never()).tryTotp(any(), any(), any(), any(Long.class), any(), any());
    }

    @Test
    void otherMethodsNeverTakeTheLookWithoutLocks() {
        verifyWith(Method.RECOVERY_CODE, rightRecoveryCode);
        verifyWith(Method.SMS, "482913");

        verify(repository, never()).peek(any(), any());
    }

    // ------------------------------------------------------------------ TOTP on a challenge this replica opened

    /** This replica opened the challenge: its factors are known, the look without locks is not needed. */
    private void givenOpenedHere(boolean ok) {
        openedHere.remember(challenge, List.of(factor));
        givenStatement(ok);
    }

    @Test
    void onAChallengeOpenedHereAMatchingCodeIsOneStatementAndNothingElse() {
        givenOpenedHere(true);

        Outcome outcome = verifyWith(Method.TOTP, currentTotp());

        assertVerifiedInOneStatement(outcome);
        verify(repository, never()).peek(any(), any());
        assertThat(openedHere.size()).as("a verified challenge is forgotten").isZero();
    }

    @Test
    void onAChallengeOpenedHereAWaitingUserGetsTheSameStatementAndAnswerWhateverTheCode() {
        state.consecutiveFailures = FREE + 2;
        state.blockedUntil = NOW.plusMillis(2500);
        givenOpenedHere(true);

        Outcome right = verifyWith(Method.TOTP, currentTotp());
        Outcome wrong = verifyWith(Method.TOTP, wrongTotp());

        assertThat(right).isEqualTo(new Throttled(3)).isEqualTo(wrong);
        verify(repository, org.mockito.Mockito.times(2))
                .tryTotp(eq(USER), eq(challengeId), any(), any(Long.class), eq(NOW), any());
        verify(repository, never()).peek(any(), any());
        verify(repository, never()).attempt(any(), any(), any(), any(), any(), any());
        verify(signer, never()).sign(any(), any(), any(), any());
    }

    @Test
    void onAChallengeOpenedHereALockedUserIsLockedWhateverTheCode() {
        state.lockedAt = NOW.minusSeconds(5);
        givenOpenedHere(true);

        assertThat(verifyWith(Method.TOTP, currentTotp())).isEqualTo(new Locked());
        assertThat(verifyWith(Method.TOTP, wrongTotp())).isEqualTo(new Locked());
        verify(repository, never()).attempt(any(), any(), any(), any(), any(), any());
    }

    @Test
    void onAChallengeOpenedHereAWrongCodeIsStillCountedOnTheLockedPath() {
        givenOpenedHere(true);

        Outcome outcome = verifyWith(Method.TOTP, wrongTotp());

        assertThat(outcome).isEqualTo(new Rejected(FREE - 1, null));
        assertThat(written().failures()).isEqualTo(1);
        verify(repository).tryTotp(eq(USER), eq(challengeId), eq(null), any(Long.class), eq(NOW), eq(null));
        assertThat(openedHere.size())
                .as("the challenge stays open for the next code")
                .isOne();
    }

    @Test
    void onAChallengeOpenedHereAStepTakenMeanwhileGoesToTheLockedPath() {
        givenOpenedHere(false);
        useStillFree = false; // the step was used since the opening read the factor

        assertThat(verifyWith(Method.TOTP, currentTotp())).isEqualTo(new Rejected(FREE - 1, null));
        assertThat(written().failures()).isEqualTo(1);
    }

    @Test
    void aChallengeOpenedHereForAnotherUserIsNotUsed() {
        Challenge others = new Challenge();
        others.challengeId = challengeId;
        others.userId = "mallory";
        others.orgId = ORG;
        others.methods = "TOTP";
        others.expiresAt = NOW.plusSeconds(240);
        openedHere.remember(others, List.of(factor));
        givenStatement(true);

        verifyWith(Method.TOTP, currentTotp());

        verify(repository).peek(USER, challengeId); // read as any other challenge: the locked path answers
        verify(repository, never()).tryTotp(any(), any(), any(), any(Long.class), any(), any());
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void everyOutcomeIsCountedUnderItsName() {
        VerificationMetrics metrics = new VerificationMetrics(registry);
        metrics.record(Method.TOTP, new Throttled(1), System.nanoTime());
        metrics.record(Method.TOTP, new Locked(), System.nanoTime());
        metrics.record(Method.SMS, new Verified("a", false), System.nanoTime());

        assertThat(registry.get("mfa.verification.verifications")
                        .tag("method", "TOTP")
                        .tag("outcome", "throttled")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mfa.verification.verifications")
                        .tag("method", "SMS")
                        .tag("outcome", "success")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(counter("mfa.verification.throttled")).isEqualTo(1);
        assertThat(counter("mfa.verification.locked")).isEqualTo(1);
    }
}
