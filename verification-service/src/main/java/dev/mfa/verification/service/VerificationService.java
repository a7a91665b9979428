package dev.mfa.verification.service;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.otp.TotpParameters;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.recovery.RecoveryCodeHasher;
import dev.mfa.core.security.Caller;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.repository.VerificationStore;
import dev.mfa.verification.repository.VerificationStore.Attempt;
import dev.mfa.verification.repository.VerificationStore.OutboxRow;
import dev.mfa.verification.repository.VerificationStore.StoredRecoveryCode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Checks a code against a challenge. One transaction per attempt, two round trips ({@link VerificationStore}): the
 * user's state row is locked with the read, so that the throttle has seen every earlier failure of that user (any
 * challenge, any replica) before a code is looked at, and a throttled or locked attempt never evaluates the code.
 */
@ApplicationScoped
public class VerificationService {

    /** What an attempt came to; only {@link Verified} and {@link Rejected} evaluated the code. */
    public sealed interface Outcome permits Verified, Rejected, Throttled, Locked {}

    public record Verified(String assertion, boolean recoveryCodeUsed) implements Outcome {
        @Override
        public String toString() {
            return "Verified[assertion=***, recoveryCodeUsed=" + recoveryCodeUsed + "]";
        }
    }

    /** {@code retryAfterSeconds} is null when the next attempt may come at once. */
    public record Rejected(int attemptsRemaining, Long retryAfterSeconds) implements Outcome {}

    public record Throttled(long retryAfterSeconds) implements Outcome {}

    public record Locked() implements Outcome {}

    private final VerificationStore store;
    private final ThrottlePolicy throttle;
    private final AssertionSigner signer;
    private final Outbox outbox;
    private final FieldKeys keys;
    private final CodeHasher hasher;
    private final Totp totp;
    private final VerificationMetrics metrics;
    private final Clock clock;
    /** Keyed recovery-code hashes (issue 15 #14); field-injected to keep the constructor as it is. */
    @jakarta.inject.Inject
    RecoveryCodeHasher recoveryHasher;

    public VerificationService(
            VerificationStore store,
            ThrottlePolicy throttle,
            AssertionSigner signer,
            Outbox outbox,
            FieldKeys keys,
            CodeHasher hasher,
            Totp totp,
            VerificationMetrics metrics,
            Clock clock) {
        this.store = store;
        this.throttle = throttle;
        this.signer = signer;
        this.outbox = outbox;
        this.keys = keys;
        this.hasher = hasher;
        this.totp = totp;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Uni<Outcome> verify(Caller caller, UUID challengeId, Method method, String code) {
        Instant now = clock.instant();
        return store.attempt(caller.userId(), caller.orgId(), challengeId, method, now, open -> {
            Attempt a = open.attempt();
            checkUsable(a, method, now);
            // A locked user may still verify with the recovery code, which lifts the lock (issue 15 #12): the code
            // has 120 bits, and its attempts stay throttled and counted, so the lock does not open a guessing path.
            if (a.lockedAt() != null && method != Method.RECOVERY_CODE) {
                return open.rollback().replaceWith((Outcome) new Locked());
            }
            if (a.blockedUntil() != null && now.isBefore(a.blockedUntil())) {
                Outcome throttled = new Throttled(ThrottlePolicy.secondsUntil(a.blockedUntil(), now));
                return open.rollback().replaceWith(throttled);
            }
            VerificationStore.Outcome write = evaluate(caller.userId(), challengeId, a, method, code, now);
            return open.finish(caller.userId(), challengeId, now, write).map(accepted -> {
                if (accepted) {
                    // Signed only once the use of the code committed: no assertion without it.
                    return (Outcome) new Verified(
                            signer.sign(caller.userId(), a.orgId(), method, now), method == Method.RECOVERY_CODE);
                }
                if (write.lockNow()) {
                    metrics.userLocked();
                }
                Long retryAfter =
                        write.blockedUntil() == null ? null : ThrottlePolicy.secondsUntil(write.blockedUntil(), now);
                return new Rejected(throttle.attemptsRemaining(write.failures()), retryAfter);
            });
        });
    }

    private static void checkUsable(Attempt a, Method method, Instant now) {
        if (a == null) { // no such challenge, or another user's
            throw ProblemException.notFound("No such challenge.");
        }
        if (a.completedAt() != null) {
            throw ProblemException.conflict(
                    "challenge-completed", "This challenge was already verified; start a new sign-in.");
        }
        if (!now.isBefore(a.expiresAt())) {
            throw ProblemException.gone("challenge-expired", "This challenge expired; start a new sign-in.");
        }
        if (!Challenge.offers(a.methods(), method)) {
            throw ProblemException.unprocessable(
                    "method-not-offered", "This method is not available for this challenge.", "method");
        }
    }

    /** Checks a TOTP code with the factor's own parameters (as enrolled) and the configured window. */
    static OptionalLong matchTotp(Totp configured, VerificationStore.TotpSecret f, byte[] key, String code) {
        TotpParameters p = new TotpParameters(
                f.algorithm(), f.digits(), f.period(), configured.parameters().window());
        return configured
                .withParameters(p)
                .verify(key, code, f.lastUsedStep() == null ? Totp.NO_STEP_USED : f.lastUsedStep());
    }

    /**
     * Checks the code in memory and prepares both possible writes: the use of what it matched with the success
     * events, and the next failure count with the failure events. The success is final only if the conditional update
     * of the matched factor step or recovery code still applies when written.
     */
    private VerificationStore.Outcome evaluate(
            String userId, UUID challengeId, Attempt a, Method method, String code, Instant now) {
        UUID proof = null;
        long step = 0;
        switch (method) {
            case TOTP -> {
                for (VerificationStore.TotpSecret f : a.totpFactors()) {
                    byte[] key = Base32.decode(Factor.openSecret(keys, userId, f.factorId(), f.secretEnc()));
                    OptionalLong matched = matchTotp(totp, f, key, code);
                    Arrays.fill(key, (byte) 0);
                    if (matched.isPresent()) {
                        proof = f.factorId();
                        step = matched.getAsLong();
                        break;
                    }
                }
            }
            case SMS -> {
                if (a.smsCodeHash() != null
                        && a.smsCodeExpiresAt() != null
                        && now.isBefore(a.smsCodeExpiresAt())
                        && hasher.matches(code, a.smsCodeHash())) {
                    proof = challengeId;
                }
            }
            case RECOVERY_CODE -> {
                StoredRecoveryCode rc = a.recoveryCode();
                if (rc != null && rc.usedAt() == null && recoveryHasher.matches(code, rc.codeHash())) {
                    proof = rc.recoveryCodeId();
                }
            }
        }
        int failures = a.consecutiveFailures() + 1;
        Instant blockedUntil = throttle.blockedUntil(failures, now);
        // Already locked (a recovery-code attempt): no second lock, no second lock event.
        boolean lockNow = throttle.locks(failures) && a.lockedAt() == null;
        List<OutboxRow> events = new ArrayList<>(4);
        if (proof != null) {
            UUID factorId = method == Method.RECOVERY_CODE || method == Method.SMS ? null : proof;
            events.add(row(
                    new Events.VerificationSucceeded(challengeId, userId, a.orgId(), method.name(), factorId, now),
                    now,
                    true));
            if (method == Method.RECOVERY_CODE) {
                events.add(row(new Events.RecoveryCodeUsed(proof, userId, a.orgId(), challengeId, now), now, true));
            }
        }
        events.add(row(
                new Events.VerificationFailed(challengeId, userId, a.orgId(), method.name(), failures, now),
                now,
                false));
        if (lockNow) {
            events.add(row(new Events.UserLocked(userId, a.orgId(), failures, now), now, false));
        }
        return new VerificationStore.Outcome(method, proof, step, failures, blockedUntil, lockNow, events);
    }

    /** The outbox row {@code Outbox.publish} would write, for the single-statement write. */
    private OutboxRow row(EventData data, Instant now, boolean onSuccess) {
        Outbox.Row r = outbox.row(Topics.VERIFICATIONS, data, now);
        return new OutboxRow(r.id(), r.topic(), r.key(), r.type(), r.payload(), onSuccess);
    }
}
