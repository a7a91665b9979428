package dev.mfa.verification.service;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.recovery.RecoveryCodeHasher;
import dev.mfa.core.security.Caller;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.domain.RecoveryCode;
import dev.mfa.verification.domain.UserState;
import dev.mfa.verification.repository.VerificationRepository;
import dev.mfa.verification.repository.VerificationRepository.Attempt;
import dev.mfa.verification.repository.VerificationRepository.Attempted;
import dev.mfa.verification.repository.VerificationRepository.Write;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Checks a code against a challenge. The locked path is one call to {@link VerificationRepository#attempt} (one
 * transaction, two round trips) with this service's rules, which are pure: the user's state row is locked with the
 * read, so that the throttle has seen every earlier failure of that user (any challenge, any replica) before a code is
 * looked at, and a throttled or locked attempt never evaluates the code.
 *
 * <p>A TOTP sign-in, the hot path, is one statement ({@link VerificationRepository#tryTotp}) when this replica
 * opened the challenge ({@link OpenedChallenges} kept the factors the opening read): the code is matched in memory and
 * the statement takes the step under the user's row lock, or answers the lock or wait it found there, whatever the
 * code, so a locked or waiting user learns nothing from a code. A challenge opened elsewhere is first looked at
 * without locks ({@link VerificationRepository#peek}): a user shown locked or waiting is refused there without the
 * code being looked at, and a code that matches goes to the same statement. Anything the statement does not settle
 * (no match, a step or challenge taken meanwhile, another method) takes the locked path, so every failure is judged
 * and counted there exactly as before. docs/verification.md has the argument.
 */
@ApplicationScoped
public class VerificationService {

    /** What an attempt came to; only {@link Verified} and {@link Rejected} evaluated the code. */
    public sealed interface Outcome permits Verified, Rejected, Throttled, Locked {
        /** The {@code outcome} tag of the verification metrics. */
        String metricName();
    }

    public record Verified(String assertion, boolean recoveryCodeUsed) implements Outcome {
        @Override
        public String metricName() {
            return "success";
        }

        @Override
        public String toString() {
            return "Verified[assertion=***, recoveryCodeUsed=" + recoveryCodeUsed + "]";
        }
    }

    /** {@code retryAfterSeconds} is null when the next attempt may come at once. */
    public record Rejected(int attemptsRemaining, Long retryAfterSeconds) implements Outcome {
        @Override
        public String metricName() {
            return "failure";
        }
    }

    public record Throttled(long retryAfterSeconds) implements Outcome {
        @Override
        public String metricName() {
            return "throttled";
        }
    }

    public record Locked() implements Outcome {
        @Override
        public String metricName() {
            return "locked";
        }
    }

    private final VerificationRepository attempts;
    private final ThrottlePolicy throttle;
    private final AssertionSigner signer;
    private final FieldKeys keys;
    private final CodeHasher hasher;
    private final RecoveryCodeHasher recoveryHasher;
    private final Totp totp;
    private final VerificationMetrics metrics;
    private final OpenedChallenges openedHere;
    private final Clock clock;

    public VerificationService(
            VerificationRepository attempts,
            ThrottlePolicy throttle,
            AssertionSigner signer,
            FieldKeys keys,
            CodeHasher hasher,
            RecoveryCodeHasher recoveryHasher,
            Totp totp,
            VerificationMetrics metrics,
            OpenedChallenges openedHere,
            Clock clock) {
        this.attempts = attempts;
        this.throttle = throttle;
        this.signer = signer;
        this.keys = keys;
        this.hasher = hasher;
        this.recoveryHasher = recoveryHasher;
        this.totp = totp;
        this.metrics = metrics;
        this.openedHere = openedHere;
        this.clock = clock;
    }

    public Uni<Outcome> verify(Caller caller, UUID challengeId, Method method, String code) {
        Instant now = clock.instant();
        if (method != Method.TOTP) {
            return locked(caller, challengeId, method, code, now);
        }
        OpenedChallenges.Remembered opened = openedHere.find(challengeId, caller.userId());
        if (opened != null && opened.challenge().isOpenFor(method, now)) {
            // The user's state is not known yet: the statement reads it under the lock and refuses a locked or waiting
            // user whether the code matched or not (same statement, same answer), so it tells an attacker nothing.
            Challenge c = opened.challenge();
            return tryTotp(caller, c, matchTotp(c.userId, opened.totpFactors(), code), code, now);
        }
        return attempts.peek(caller.userId(), challengeId).flatMap(seen -> {
            if (seen == null || !seen.challenge().isOpenFor(method, now)) {
                return locked(caller, challengeId, method, code, now); // it answers the problem, or creates the state
            }
            Outcome refused = refusal(seen.state(), method, now);
            if (refused != null) {
                return Uni.createFrom().item(refused);
            }
            TotpMatch match = matchTotp(seen.challenge().userId, seen.totpFactors(), code);
            if (match == null) {
                return locked(caller, challengeId, method, code, now);
            }
            return tryTotp(caller, seen.challenge(), match, code, now);
        });
    }

    /**
     * The one statement of a TOTP attempt ({@link VerificationRepository#tryTotp}): verified when it took the matched
     * step, refused when it found the user locked or waiting, else (no match, or a step, challenge or factor that
     * changed meanwhile) the locked path decides and counts.
     */
    private Uni<Outcome> tryTotp(Caller caller, Challenge c, TotpMatch match, String code, Instant now) {
        UUID factorId = match == null ? null : match.factorId();
        EventData success = match == null
                ? null
                : successEvents(c, Method.TOTP, factorId, now).get(0);
        return attempts.tryTotp(c.userId, c.challengeId, factorId, match == null ? 0 : match.step(), now, success)
                .flatMap(tried -> {
                    if (tried.accepted()) {
                        openedHere.forget(c.challengeId);
                        return Uni.createFrom().item(verified(c, Method.TOTP, now));
                    }
                    Outcome refused = tried.state() == null ? null : refusal(tried.state(), Method.TOTP, now);
                    return refused != null
                            ? Uni.createFrom().item(refused)
                            : locked(caller, c.challengeId, Method.TOTP, code, now);
                });
    }

    /** The locked path: every method, and every TOTP attempt the look without locks did not settle. */
    private Uni<Outcome> locked(Caller caller, UUID challengeId, Method method, String code, Instant now) {
        String userId = caller.userId();
        return attempts.attempt(userId, caller.orgId(), challengeId, method, now, a -> decide(a, method, code, now))
                .map(done -> outcome(done, userId, method, now));
    }

    private record TotpMatch(UUID factorId, long step) {}

    /** The first of the user's TOTP factors (newest first) the code matches, with its step; null when none. */
    private TotpMatch matchTotp(String userId, List<Factor> factors, String code) {
        for (Factor f : factors) {
            byte[] key = Base32.decode(Factor.openSecret(keys, userId, f.factorId, f.secretEnc));
            OptionalLong matched = matchTotp(totp, f, key, code);
            Arrays.fill(key, (byte) 0);
            if (matched.isPresent()) {
                return new TotpMatch(f.factorId, matched.getAsLong());
            }
        }
        return null;
    }

    private Verified verified(Challenge c, Method method, Instant now) {
        // Signed only once the use of the code committed: no assertion without it.
        return new Verified(signer.sign(c.userId, c.orgId, method, now), method == Method.RECOVERY_CODE);
    }

    /** The rules, on what the attempt was read with: the write to make, or null to refuse without looking at the code. */
    Write decide(Attempt a, Method method, String code, Instant now) {
        if (a == null) { // no such challenge, or another user's
            throw ProblemException.notFound("No such challenge.");
        }
        a.challenge()
                .requireOpenFor(
                        method,
                        now,
                        () -> ProblemException.unprocessable(
                                "method-not-offered", "This method is not available for this challenge.", "method"));
        return refusal(a.state(), method, now) != null ? null : evaluate(a, method, code, now);
    }

    /**
     * Locked or throttled, or null when the code may be looked at. A locked user may still verify with the recovery
     * code, which lifts the lock (issue 15 #12): the code has 120 bits, and its attempts stay throttled and counted, so
     * the lock does not open a guessing path.
     */
    Outcome refusal(UserState state, Method method, Instant now) {
        if (state.lockedAt != null && method != Method.RECOVERY_CODE) {
            return new Locked();
        }
        Instant blockedUntil = state.blockedUntil;
        if (blockedUntil != null && now.isBefore(blockedUntil)) {
            return new Throttled(ThrottlePolicy.secondsUntil(blockedUntil, now));
        }
        return null;
    }

    private Outcome outcome(Attempted done, String userId, Method method, Instant now) {
        Write write = done.write();
        if (write == null) {
            return refusal(done.attempt().state(), method, now);
        }
        if (done.accepted()) {
            return verified(done.attempt().challenge(), method, now);
        }
        if (write.lockNow()) {
            metrics.userLocked();
        }
        Long retryAfter = write.blockedUntil() == null ? null : ThrottlePolicy.secondsUntil(write.blockedUntil(), now);
        return new Rejected(throttle.attemptsRemaining(write.failures()), retryAfter);
    }

    /** Checks a TOTP code with the factor's own parameters (as enrolled) and the configured window. */
    static OptionalLong matchTotp(Totp configured, Factor f, byte[] key, String code) {
        return configured
                .withParameters(f.totpParameters(configured.parameters().window()))
                .verify(key, code, f.lastUsedStep == null ? Totp.NO_STEP_USED : f.lastUsedStep);
    }

    /**
     * Checks the code in memory and prepares both possible writes: the use of what it matched with the success
     * events, and the next failure count with the failure events. The success is final only if the conditional update
     * of the matched factor step, recovery code or SMS code still applies when written.
     */
    private Write evaluate(Attempt a, Method method, String code, Instant now) {
        Challenge c = a.challenge();
        UUID proof = null;
        long step = 0;
        switch (method) {
            case TOTP -> {
                TotpMatch match = matchTotp(c.userId, a.totpFactors(), code);
                if (match != null) {
                    proof = match.factorId();
                    step = match.step();
                }
            }
            case SMS -> {
                if (c.hasLiveSmsCode(now) && hasher.matches(code, c.smsCodeHash)) {
                    proof = c.challengeId;
                }
            }
            case RECOVERY_CODE -> {
                RecoveryCode rc = a.recoveryCode();
                if (rc != null && rc.usedAt == null && recoveryHasher.matches(code, rc.codeHash)) {
                    proof = rc.recoveryCodeId;
                }
            }
        }
        int failures = a.state().consecutiveFailures + 1;
        // Already locked (a recovery-code attempt): no second lock, no second lock event.
        boolean lockNow = throttle.locks(failures) && a.state().lockedAt == null;
        return new Write(
                method,
                proof,
                step,
                failures,
                throttle.blockedUntil(failures, now),
                lockNow,
                proof == null ? List.of() : successEvents(c, method, proof, now),
                failureEvents(c, method, failures, lockNow, now));
    }

    private static List<EventData> successEvents(Challenge c, Method method, UUID proof, Instant now) {
        Events.VerificationSucceeded succeeded = new Events.VerificationSucceeded(
                c.challengeId, c.userId, c.orgId, method.name(), method == Method.TOTP ? proof : null, now);
        return method == Method.RECOVERY_CODE
                ? List.of(succeeded, new Events.RecoveryCodeUsed(proof, c.userId, c.orgId, c.challengeId, now))
                : List.of(succeeded);
    }

    private static List<EventData> failureEvents(
            Challenge c, Method method, int failures, boolean lockNow, Instant now) {
        Events.VerificationFailed failed =
                new Events.VerificationFailed(c.challengeId, c.userId, c.orgId, method.name(), failures, now);
        return lockNow ? List.of(failed, new Events.UserLocked(c.userId, c.orgId, failures, now)) : List.of(failed);
    }
}
