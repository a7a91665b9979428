package dev.mfa.verification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.verification.config.VerificationConfig;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.domain.RecoveryCode;
import dev.mfa.verification.domain.UserState;
import dev.mfa.verification.repository.ChallengeRepository;
import dev.mfa.verification.repository.ChallengeRepository.Recent;
import dev.mfa.verification.repository.FactorRepository;
import dev.mfa.verification.repository.RecoveryCodeRepository;
import dev.mfa.verification.repository.UserStateRepository;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules of opening a challenge, against mocked repositories. */
class ChallengeServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final String USER = "bob";
    private static final Caller CALLER = new Caller(USER, "acme", Set.of(Caller.GROUP_USER), null);
    private static final int MAX_PER_HOUR = 30;

    private final ChallengeRepository challenges = mock(ChallengeRepository.class);
    private final FactorRepository factors = mock(FactorRepository.class);
    private final RecoveryCodeRepository recoveryCodes = mock(RecoveryCodeRepository.class);
    private final UserStateRepository users = mock(UserStateRepository.class);
    private final VerificationConfig config = mock(VerificationConfig.class);
    private final ChallengeService service =
            new ChallengeService(challenges, factors, recoveryCodes, users, config, TestClock.frozenAt(NOW));
    private final List<Factor> userFactors = new ArrayList<>();
    private final UserState state = new UserState();

    @BeforeEach
    void repositories() {
        when(config.challengeTtl()).thenReturn(Duration.ofMinutes(5));
        when(config.maxChallengesPerHour()).thenReturn(MAX_PER_HOUR);
        when(factors.ofUser(USER)).thenReturn(Uni.createFrom().item(userFactors));
        when(users.find(USER)).thenReturn(Uni.createFrom().item(state));
        when(users.lock(USER, "acme", NOW)).thenReturn(Uni.createFrom().item(state));
        when(users.ensure(any(), any(), any())).thenReturn(Uni.createFrom().item(1));
        when(recoveryCodes.find(USER)).thenReturn(Uni.createFrom().nullItem());
        when(challenges.openedSince(USER, NOW.minus(ChallengeService.HOUR)))
                .thenReturn(Uni.createFrom().item(new Recent(0, null)));
        when(challenges.persist(any(Challenge.class))).thenAnswer(inv -> {
            Challenge c = inv.getArgument(0);
            return Uni.createFrom().item(c);
        });
    }

    private ChallengeService.Opened open() {
        return service.create(CALLER).await().indefinitely();
    }

    private static Factor factor(String method, String phoneMasked) {
        Factor f = new Factor();
        f.method = method;
        f.phoneMasked = phoneMasked;
        return f;
    }

    @Test
    void withoutFactorsOrRequirementNoSecondStepIsNeeded() {
        state.requirement = UserState.NOT_REQUIRED;

        assertThat(open().mfaRequired()).isFalse();
        verify(challenges, never()).persist(any(Challenge.class));
    }

    @Test
    void aRequiredUserWithoutFactorsMustEnrollFirst() {
        state.requirement = UserState.REQUIRED;

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        p -> assertThat(p.problem().type()).endsWith("enrollment-required"));
    }

    @Test
    void aPayUserWithoutFactorsMustEnrollWhateverTheProjectionSays() {
        state.requirement = UserState.NOT_REQUIRED;
        Caller payUser = new Caller(USER, "acme", Set.of(Caller.GROUP_USER), Caller.PAY_PAYEE);

        assertThatThrownBy(() -> service.create(payUser).await().indefinitely())
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        p -> assertThat(p.problem().status()).isEqualTo(409));
    }

    @Test
    void theChallengeOffersEachMethodOnceWithTheNewestPhoneAndAnUnusedRecoveryCode() {
        userFactors.add(factor(Factor.SMS, "+33 6** ** ** 12"));
        userFactors.add(factor(Factor.TOTP, null));
        userFactors.add(factor(Factor.SMS, "+33 6** ** ** 99"));
        userFactors.add(factor(Factor.TOTP, null));
        RecoveryCode code = new RecoveryCode();
        when(recoveryCodes.find(USER)).thenReturn(Uni.createFrom().item(code));

        ChallengeService.Opened opened = open();

        assertThat(opened.methods()).containsExactly(Method.TOTP, Method.SMS, Method.RECOVERY_CODE);
        assertThat(opened.phoneMasked()).isEqualTo("+33 6** ** ** 12");
        Challenge c = opened.challenge();
        assertThat(c.methods).isEqualTo("TOTP,SMS,RECOVERY_CODE");
        assertThat(c.expiresAt).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(c.userId).isEqualTo(USER);
        verify(challenges).persist(c);
    }

    @Test
    void aUsedRecoveryCodeIsNotOffered() {
        userFactors.add(factor(Factor.TOTP, null));
        RecoveryCode used = new RecoveryCode();
        used.usedAt = NOW.minusSeconds(60);
        when(recoveryCodes.find(USER)).thenReturn(Uni.createFrom().item(used));

        assertThat(open().methods()).containsExactly(Method.TOTP);
    }

    @Test
    void theHourlyLimitRefusesWithTheWaitUntilTheOldestLeavesTheWindow() {
        userFactors.add(factor(Factor.TOTP, null));
        Instant oldest = NOW.minus(Duration.ofMinutes(50));
        when(challenges.openedSince(USER, NOW.minus(ChallengeService.HOUR)))
                .thenReturn(Uni.createFrom().item(new Recent(MAX_PER_HOUR, oldest)));

        assertThatThrownBy(this::open).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.problem().type()).endsWith("too-many-challenges");
            assertThat(p.problem().retryAfterSeconds()).isEqualTo(600);
        });
        verify(challenges, never()).persist(any(Challenge.class));
    }

    @Test
    void oneBelowTheHourlyLimitStillOpens() {
        userFactors.add(factor(Factor.TOTP, null));
        when(challenges.openedSince(USER, NOW.minus(ChallengeService.HOUR)))
                .thenReturn(Uni.createFrom().item(new Recent(MAX_PER_HOUR - 1, NOW.minusSeconds(10))));

        assertThat(open().mfaRequired()).isTrue();
    }
}
