package dev.mfa.verification.service;

import dev.mfa.core.crypto.FieldCipher;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.core.security.Caller;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.domain.UserState;
import dev.mfa.verification.repository.FactorRepository;
import dev.mfa.verification.repository.RecoveryCodeRepository;
import dev.mfa.verification.repository.UserStateRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Checks a code against a challenge. One transaction per attempt: the user's state row is locked first, so that
 * the throttle has seen every earlier failure of that user (any challenge, any replica) before a code is looked at,
 * and a throttled or locked attempt never evaluates the code.
 */
@ApplicationScoped
public class VerificationService {

    /** What an attempt came to; only {@link Verified} and {@link Rejected} evaluated the code. */
    public sealed interface Outcome permits Verified, Rejected, Throttled, Locked {
    }

    public record Verified(String assertion, boolean recoveryCodeUsed) implements Outcome {
    }

    /** {@code retryAfterSeconds} is null when the next attempt may come at once. */
    public record Rejected(int attemptsRemaining, Long retryAfterSeconds) implements Outcome {
    }

    public record Throttled(long retryAfterSeconds) implements Outcome {
    }

    public record Locked() implements Outcome {
    }

    /** A matched code: the factor (TOTP, SMS) or recovery code id it belongs to. */
    private record Match(UUID factorId, UUID recoveryCodeId) {
    }

    private final FactorRepository factors;
    private final RecoveryCodeRepository recoveryCodes;
    private final UserStateRepository users;
    private final ThrottlePolicy throttle;
    private final AssertionSigner signer;
    private final Outbox outbox;
    private final FieldCipher cipher;
    private final CodeHasher hasher;
    private final Totp totp;
    private final VerificationMetrics metrics;
    private final Clock clock;

    public VerificationService(FactorRepository factors, RecoveryCodeRepository recoveryCodes,
                               UserStateRepository users,
                               ThrottlePolicy throttle, AssertionSigner signer, Outbox outbox, FieldCipher cipher,
                               CodeHasher hasher, Totp totp, VerificationMetrics metrics, Clock clock) {
        this.factors = factors;
        this.recoveryCodes = recoveryCodes;
        this.users = users;
        this.throttle = throttle;
        this.signer = signer;
        this.outbox = outbox;
        this.cipher = cipher;
        this.hasher = hasher;
        this.totp = totp;
        this.metrics = metrics;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<Outcome> verify(Caller caller, UUID challengeId, Method method, String code) {
        Instant now = clock.instant();
        // Lock first, read the challenge second: a concurrent attempt then sees what the previous one committed.
        return users.lock(caller.userId(), caller.orgId(), now)
                .flatMap(state -> Challenge.<Challenge>findById(challengeId).flatMap(challenge -> {
                    checkUsable(challenge, caller, method, now);
                    if (state.lockedAt != null) {
                        return Uni.createFrom().item((Outcome) new Locked());
                    }
                    if (state.blockedUntil != null && now.isBefore(state.blockedUntil)) {
                        return Uni.createFrom().item(
                                (Outcome) new Throttled(ThrottlePolicy.secondsUntil(state.blockedUntil, now)));
                    }
                    return evaluate(challenge, method, code, now).flatMap(match -> match == null
                            ? fail(state, challenge, method, now)
                            : succeed(state, challenge, method, match, now));
                }));
    }

    private static void checkUsable(Challenge challenge, Caller caller, Method method, Instant now) {
        if (challenge == null || !challenge.userId.equals(caller.userId())) {
            throw ProblemException.notFound("No such challenge.");
        }
        if (challenge.completedAt != null) {
            throw ProblemException.conflict("challenge-completed",
                    "This challenge was already verified; start a new sign-in.");
        }
        if (challenge.isExpired(now)) {
            throw ProblemException.gone("challenge-expired", "This challenge expired; start a new sign-in.");
        }
        if (!challenge.offers(method)) {
            throw ProblemException.unprocessable("method-not-offered",
                    "This method is not available for this challenge.", "method");
        }
    }

    private Uni<Match> evaluate(Challenge challenge, Method method, String code, Instant now) {
        return switch (method) {
            case TOTP -> factors.ofUser(challenge.userId, Factor.TOTP)
                    .flatMap(list -> matchTotp(list.iterator(), code));
            case SMS -> Uni.createFrom().item(matchSms(challenge, code, now));
            case RECOVERY_CODE -> recoveryCodes.find(challenge.userId).flatMap(rc -> {
                if (rc == null || rc.usedAt != null || !RecoveryCodes.matches(code, rc.codeHash)) {
                    return Uni.createFrom().nullItem();
                }
                return recoveryCodes.markUsed(rc.userId, rc.recoveryCodeId, now)
                        .map(first -> first ? new Match(null, rc.recoveryCodeId) : null);
            });
        };
    }

    /** Tries the user's TOTP factors in turn; a matched step is taken only through the conditional update. */
    private Uni<Match> matchTotp(Iterator<Factor> it, String code) {
        if (!it.hasNext()) {
            return Uni.createFrom().nullItem();
        }
        Factor f = it.next();
        byte[] key = Base32.decode(cipher.decrypt(f.secretEnc, Factor.secretContext(f.factorId)));
        OptionalLong step = totp.verify(key, code, f.lastUsedStep == null ? Totp.NO_STEP_USED : f.lastUsedStep);
        Arrays.fill(key, (byte) 0);
        if (step.isEmpty()) {
            return matchTotp(it, code);
        }
        return factors.acceptStep(f.factorId, step.getAsLong())
                .flatMap(accepted -> accepted
                        ? Uni.createFrom().item(new Match(f.factorId, null))
                        : matchTotp(it, code));
    }

    private Match matchSms(Challenge challenge, String code, Instant now) {
        if (challenge.smsCodeHash == null || challenge.smsCodeExpiresAt == null
                || !now.isBefore(challenge.smsCodeExpiresAt) || !hasher.matches(code, challenge.smsCodeHash)) {
            return null;
        }
        challenge.smsCodeHash = null; // a sent code works once
        return new Match(null, null);
    }

    private Uni<Outcome> succeed(UserState state, Challenge challenge, Method method, Match match, Instant now) {
        challenge.completedAt = now;
        if (state.consecutiveFailures != 0 || state.blockedUntil != null) {
            state.consecutiveFailures = 0;
            state.blockedUntil = null;
            state.updatedAt = now;
        }
        Uni<?> events = outbox.publish(Topics.VERIFICATIONS, new Events.VerificationSucceeded(challenge.challengeId,
                challenge.userId, challenge.orgId, method.name(), match.factorId(), now));
        if (match.recoveryCodeId() != null) {
            events = events.flatMap(ignored -> outbox.publish(Topics.VERIFICATIONS, new Events.RecoveryCodeUsed(
                    match.recoveryCodeId(), challenge.userId, challenge.orgId, challenge.challengeId, now)));
        }
        return events.map(ignored -> (Outcome) new Verified(
                signer.sign(challenge.userId, challenge.orgId, method, now), match.recoveryCodeId() != null));
    }

    private Uni<Outcome> fail(UserState state, Challenge challenge, Method method, Instant now) {
        int failures = state.consecutiveFailures + 1;
        state.consecutiveFailures = failures;
        state.blockedUntil = throttle.blockedUntil(failures, now);
        state.updatedAt = now;
        boolean lockNow = throttle.locks(failures) && state.lockedAt == null;
        Uni<?> events = outbox.publish(Topics.VERIFICATIONS, new Events.VerificationFailed(challenge.challengeId,
                challenge.userId, challenge.orgId, method.name(), failures, now));
        if (lockNow) {
            state.lockedAt = now;
            metrics.userLocked();
            events = events.flatMap(ignored -> outbox.publish(Topics.VERIFICATIONS,
                    new Events.UserLocked(challenge.userId, challenge.orgId, failures, now)));
        }
        Long retryAfter = state.blockedUntil == null ? null : ThrottlePolicy.secondsUntil(state.blockedUntil, now);
        return events.map(ignored -> (Outcome) new Rejected(throttle.attemptsRemaining(failures), retryAfter));
    }
}
