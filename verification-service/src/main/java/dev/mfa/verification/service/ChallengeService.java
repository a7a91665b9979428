package dev.mfa.verification.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.verification.config.VerificationConfig;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.domain.UserState;
import dev.mfa.verification.repository.ChallengeOpeningRepository;
import dev.mfa.verification.repository.ChallengeOpeningRepository.Opening;
import dev.mfa.verification.repository.ChallengeRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Opens sign-in challenges for the user's current factors: one statement of {@link ChallengeOpeningRepository} (one
 * round trip, no ORM session), then the rules below on what it read and did.
 */
@ApplicationScoped
public class ChallengeService {

    /** Expired challenges are kept this long for support questions, then deleted. */
    static final Duration RETENTION = Duration.ofDays(1);

    /**
     * What {@link #create} decided. {@code challenge} is null when no second step is needed. {@code totpFactors} are
     * the user's TOTP factors as the opening read them (newest first; secrets still sealed), kept in
     * {@link OpenedChallenges} for the verify.
     */
    public record Opened(Challenge challenge, List<Method> methods, String phoneMasked, List<Factor> totpFactors) {
        public boolean mfaRequired() {
            return challenge != null;
        }
    }

    private final ChallengeOpeningRepository openings;
    private final ChallengeRepository challenges;
    private final OpenedChallenges openedHere;
    private final VerificationConfig config;
    private final Clock clock;

    public ChallengeService(
            ChallengeOpeningRepository openings,
            ChallengeRepository challenges,
            OpenedChallenges openedHere,
            VerificationConfig config,
            Clock clock) {
        this.openings = openings;
        this.challenges = challenges;
        this.openedHere = openedHere;
        this.config = config;
        this.clock = clock;
    }

    /** The window of {@link VerificationConfig#maxChallengesPerHour()} and the per-user SMS cap. */
    static final Duration HOUR = Duration.ofHours(1);

    public Uni<Opened> create(Caller caller) {
        Instant now = clock.instant();
        return openings.open(
                        caller.userId(),
                        caller.orgId(),
                        UUID.randomUUID(),
                        now,
                        now.plus(config.challengeTtl()),
                        now.minus(HOUR),
                        config.maxChallengesPerHour())
                .map(opening -> remembered(decide(caller, opening, now)));
    }

    /** Kept for the verify on this replica, which can then take a TOTP code in one statement. */
    private Opened remembered(Opened opened) {
        if (opened.mfaRequired()) {
            openedHere.remember(opened.challenge(), opened.totpFactors());
        }
        return opened;
    }

    private static Opened decide(Caller caller, Opening opening, Instant now) {
        if (!opening.hasFactors()) {
            // Pay users need MFA whatever the projection says yet (CONTRACT §2).
            if (caller.isPayUser() || UserState.REQUIRED.equals(opening.requirement())) {
                throw ProblemException.conflict(
                        "enrollment-required",
                        "Multi-factor authentication is required: set up a verification method first.");
            }
            return new Opened(null, List.of(), null, List.of());
        }
        Challenge c = opening.challenge();
        if (c == null) {
            // Refused: the wait lasts until the oldest challenge of the window leaves it.
            Instant oldest = opening.window().stream().min(Instant::compareTo).orElse(now);
            throw ProblemException.tooManyRequests(
                    "too-many-challenges",
                    "Too many sign-in attempts; try again later.",
                    ThrottlePolicy.secondsUntil(oldest.plus(HOUR), now));
        }
        List<Method> methods =
                Arrays.stream(c.methods.split(",")).map(Method::valueOf).toList();
        String phoneMasked = methods.contains(Method.SMS) ? opening.phoneMasked() : null;
        return new Opened(c, methods, phoneMasked, opening.totpFactors());
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
