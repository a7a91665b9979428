package dev.mfa.verification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.verification.config.VerificationConfig;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.domain.UserState;
import dev.mfa.verification.repository.ChallengeOpeningRepository;
import dev.mfa.verification.repository.ChallengeOpeningRepository.Opening;
import dev.mfa.verification.repository.ChallengeRepository;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The rules of opening a challenge, against a mocked repository (the statement itself: ChallengeIT and others). */
class ChallengeServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final String USER = "bob";
    private static final Caller CALLER = new Caller(USER, "acme", Set.of(Caller.GROUP_USER), null);
    private static final int MAX_PER_HOUR = 30;

    private final ChallengeOpeningRepository openings = mock(ChallengeOpeningRepository.class);
    private final VerificationConfig config = mock(VerificationConfig.class);
    private final OpenedChallenges openedHere = new OpenedChallenges(16, TestClock.frozenAt(NOW));
    private final ChallengeService service = new ChallengeService(
            openings, mock(ChallengeRepository.class), openedHere, config, TestClock.frozenAt(NOW));

    @BeforeEach
    void configuration() {
        when(config.challengeTtl()).thenReturn(Duration.ofMinutes(5));
        when(config.maxChallengesPerHour()).thenReturn(MAX_PER_HOUR);
    }

    private void repositoryAnswers(Opening opening) {
        when(openings.open(any(), any(), any(), any(), any(), any(), any(Integer.class)))
                .thenReturn(Uni.createFrom().item(opening));
    }

    private ChallengeService.Opened open() {
        return service.create(CALLER).await().indefinitely();
    }

    private static Opening noFactors(String requirement) {
        return new Opening(false, requirement, null, null, List.of(), List.of());
    }

    private static Challenge challenge(String methods) {
        Challenge c = new Challenge();
        c.challengeId = UUID.randomUUID();
        c.userId = USER;
        c.methods = methods;
        c.expiresAt = NOW.plus(Duration.ofMinutes(5));
        return c;
    }

    private static Factor totp() {
        Factor f = new Factor();
        f.factorId = UUID.randomUUID();
        f.method = Factor.TOTP;
        f.secretEnc = "sealed";
        return f;
    }

    @Test
    void theRepositoryIsAskedForTheConfiguredExpiryWindowAndLimit() {
        repositoryAnswers(noFactors(null));

        open();

        ArgumentCaptor<UUID> id = ArgumentCaptor.forClass(UUID.class);
        verify(openings)
                .open(
                        eq(USER),
                        eq("acme"),
                        id.capture(),
                        eq(NOW),
                        eq(NOW.plus(Duration.ofMinutes(5))),
                        eq(NOW.minus(Duration.ofHours(1))),
                        eq(MAX_PER_HOUR));
        assertThat(id.getValue()).isNotNull();
    }

    @Test
    void withoutFactorsOrRequirementNoSecondStepIsNeeded() {
        repositoryAnswers(noFactors(UserState.NOT_REQUIRED));

        ChallengeService.Opened opened = open();

        assertThat(opened.mfaRequired()).isFalse();
        assertThat(opened.methods()).isEmpty();
        assertThat(opened.totpFactors()).isEmpty();
    }

    @Test
    void withoutFactorsOrStateRowNoSecondStepIsNeeded() {
        repositoryAnswers(noFactors(null));

        assertThat(open().mfaRequired()).isFalse();
    }

    @Test
    void aRequiredUserWithoutFactorsMustEnrollFirst() {
        repositoryAnswers(noFactors(UserState.REQUIRED));

        assertThatThrownBy(this::open).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.problem().type()).endsWith("enrollment-required");
            assertThat(p.problem().status()).isEqualTo(409);
        });
    }

    @Test
    void aPayUserWithoutFactorsMustEnrollWhateverTheProjectionSays() {
        repositoryAnswers(noFactors(UserState.NOT_REQUIRED));
        Caller payUser = new Caller(USER, "acme", Set.of(Caller.GROUP_USER), Caller.PAY_PAYEE);

        assertThatThrownBy(() -> service.create(payUser).await().indefinitely())
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.problem().type()).endsWith("enrollment-required");
                    assertThat(p.problem().status()).isEqualTo(409);
                });
    }

    @Test
    void theChallengeOffersTheStoredMethodsInOrderWithThePhoneAndTheTotpFactorsRead() {
        Challenge c = challenge("TOTP,SMS,RECOVERY_CODE");
        List<Factor> factors = List.of(totp(), totp());
        repositoryAnswers(new Opening(true, null, c, "+33 6** ** ** 12", List.of(NOW), factors));

        ChallengeService.Opened opened = open();

        assertThat(opened.mfaRequired()).isTrue();
        assertThat(opened.challenge()).isSameAs(c);
        assertThat(opened.methods()).containsExactly(Method.TOTP, Method.SMS, Method.RECOVERY_CODE);
        assertThat(opened.phoneMasked()).isEqualTo("+33 6** ** ** 12");
        assertThat(opened.totpFactors()).containsExactlyElementsOf(factors);
        assertThat(openedHere.find(c.challengeId, USER).totpFactors())
                .as("kept for the verify on this replica")
                .containsExactlyElementsOf(factors);
    }

    @Test
    void withoutSmsNoPhoneIsShown() {
        repositoryAnswers(new Opening(true, null, challenge("TOTP"), null, List.of(NOW), List.of(totp())));

        ChallengeService.Opened opened = open();

        assertThat(opened.methods()).containsExactly(Method.TOTP);
        assertThat(opened.phoneMasked()).isNull();
    }

    @Test
    void aPayUserWithFactorsIsChallengedLikeAnyOther() {
        repositoryAnswers(new Opening(true, null, challenge("SMS"), "+1 ••• ••• ••01", List.of(NOW), List.of()));
        Caller payUser = new Caller(USER, "acme", Set.of(Caller.GROUP_USER), Caller.PAY_PAYEE);

        ChallengeService.Opened opened = service.create(payUser).await().indefinitely();

        assertThat(opened.methods()).containsExactly(Method.SMS);
        assertThat(opened.phoneMasked()).isEqualTo("+1 ••• ••• ••01");
        assertThat(openedHere.size())
                .as("without TOTP factors there is nothing to keep")
                .isZero();
    }

    @Test
    void theHourlyLimitRefusesWithTheWaitUntilTheOldestLeavesTheWindow() {
        Instant oldest = NOW.minus(Duration.ofMinutes(50));
        repositoryAnswers(new Opening(
                true, null, null, null, List.of(NOW.minusSeconds(5), oldest, NOW.minusSeconds(60)), List.of(totp())));

        assertThatThrownBy(this::open).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.problem().type()).endsWith("too-many-challenges");
            assertThat(p.problem().status()).isEqualTo(429);
            assertThat(p.problem().retryAfterSeconds()).isEqualTo(600);
        });
        assertThat(openedHere.size()).as("a refused challenge is not kept").isZero();
    }

    @Test
    void aRefusalWithAnEmptyWindowWaitsTheWholeHour() {
        repositoryAnswers(new Opening(true, null, null, null, List.of(), List.of()));

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        p -> assertThat(p.problem().retryAfterSeconds()).isEqualTo(3600));
    }
}
