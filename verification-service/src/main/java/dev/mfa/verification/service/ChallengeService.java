package dev.mfa.verification.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.verification.config.VerificationConfig;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.domain.RecoveryCode;
import dev.mfa.verification.domain.UserState;
import dev.mfa.verification.repository.ChallengeRepository;
import dev.mfa.verification.repository.FactorRepository;
import dev.mfa.verification.repository.RecoveryCodeRepository;
import dev.mfa.verification.repository.UserStateRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Opens sign-in challenges for the user's current factors. */
@ApplicationScoped
public class ChallengeService {

    /** Expired challenges are kept this long for support questions, then deleted. */
    static final Duration RETENTION = Duration.ofDays(1);

    /** What {@link #create} decided. {@code challenge} is null when no second step is needed. */
    public record Opened(Challenge challenge, List<Method> methods, String phoneMasked) {
        public boolean mfaRequired() {
            return challenge != null;
        }
    }

    private final ChallengeRepository challenges;
    private final FactorRepository factors;
    private final RecoveryCodeRepository recoveryCodes;
    private final UserStateRepository users;
    private final VerificationConfig config;
    private final Clock clock;

    public ChallengeService(
            ChallengeRepository challenges,
            FactorRepository factors,
            RecoveryCodeRepository recoveryCodes,
            UserStateRepository users,
            VerificationConfig config,
            Clock clock) {
        this.challenges = challenges;
        this.factors = factors;
        this.recoveryCodes = recoveryCodes;
        this.users = users;
        this.config = config;
        this.clock = clock;
    }

    /** The window of {@link VerificationConfig#maxChallengesPerHour()} and the per-user SMS cap. */
    static final Duration HOUR = Duration.ofHours(1);

    @WithTransaction
    public Uni<Opened> create(Caller caller) {
        Instant now = clock.instant();
        return factors.ofUser(caller.userId())
                .flatMap(userFactors -> userFactors.isEmpty()
                        ? users.find(caller.userId()).flatMap(state -> open(caller, state, userFactors, null, now))
                        // The user's state row is locked so that parallel requests count their challenges one by one.
                        : users.lock(caller.userId(), caller.orgId(), now)
                                .flatMap(state -> recoveryCodes
                                        .find(caller.userId())
                                        .flatMap(code -> withinHourlyLimit(caller, now)
                                                .flatMap(ignored -> open(caller, state, userFactors, code, now)))));
    }

    private Uni<Void> withinHourlyLimit(Caller caller, Instant now) {
        return challenges.openedSince(caller.userId(), now.minus(HOUR)).map(recent -> {
            if (recent.count() >= config.maxChallengesPerHour()) {
                throw ProblemException.tooManyRequests(
                        "too-many-challenges",
                        "Too many sign-in attempts; try again later.",
                        ThrottlePolicy.secondsUntil(recent.oldest().plus(HOUR), now));
            }
            return null;
        });
    }

    private Uni<Opened> open(Caller caller, UserState state, List<Factor> userFactors, RecoveryCode code, Instant now) {
        if (userFactors.isEmpty()) {
            // Pay users need MFA whatever the projection says yet (CONTRACT §2).
            boolean required = caller.isPayUser() || (state != null && UserState.REQUIRED.equals(state.requirement));
            if (required) {
                throw ProblemException.conflict(
                        "enrollment-required",
                        "Multi-factor authentication is required: set up a verification method first.");
            }
            return Uni.createFrom().item(new Opened(null, List.of(), null));
        }
        List<Method> methods = new ArrayList<>();
        String phoneMasked = null;
        if (userFactors.stream().anyMatch(f -> Factor.TOTP.equals(f.method))) {
            methods.add(Method.TOTP);
        }
        for (Factor f : userFactors) { // newest first
            if (Factor.SMS.equals(f.method)) {
                methods.add(Method.SMS);
                phoneMasked = f.phoneMasked;
                break;
            }
        }
        if (code != null && code.usedAt == null) {
            methods.add(Method.RECOVERY_CODE);
        }
        Challenge c = new Challenge();
        c.challengeId = UUID.randomUUID();
        c.userId = caller.userId();
        c.orgId = caller.orgId();
        c.methods = Challenge.join(methods);
        c.createdAt = now;
        c.expiresAt = now.plus(config.challengeTtl());
        String masked = phoneMasked;
        // The state row is what verifications lock; create it now rather than on the hot path.
        Uni<Integer> ensureState =
                state != null ? Uni.createFrom().item(0) : users.ensure(caller.userId(), caller.orgId(), now);
        return ensureState
                .flatMap(ignored -> challenges.persist(c))
                .replaceWith(() -> new Opened(c, List.copyOf(methods), masked));
    }

    @Scheduled(every = "1h", delayed = "3m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purgeExpired() {
        return Panache.withTransaction(
                        () -> challenges.deleteExpiredBefore(clock.instant().minus(RETENTION)))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
