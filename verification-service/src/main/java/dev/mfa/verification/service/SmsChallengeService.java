package dev.mfa.verification.service;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.Events;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.NumericCodes;
import dev.mfa.core.problem.Problem;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.verification.config.VerificationConfig;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.repository.ChallengeRepository;
import dev.mfa.verification.repository.FactorRepository;
import dev.mfa.verification.repository.UserStateRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Sends sign-in codes by SMS: a fresh code per send (the previous one stops working), with a doubling cooldown. */
@ApplicationScoped
public class SmsChallengeService {

    public static final String PURPOSE_SIGN_IN = "SIGN_IN";

    private final ChallengeRepository challenges;
    private final FactorRepository factors;
    private final UserStateRepository users;
    private final FieldKeys keys;
    private final CodeHasher hasher;
    private final NumericCodes codes;
    private final VerificationConfig config;
    private final VerificationMetrics metrics;
    private final Clock clock;

    public SmsChallengeService(
            ChallengeRepository challenges,
            FactorRepository factors,
            UserStateRepository users,
            FieldKeys keys,
            CodeHasher hasher,
            NumericCodes codes,
            VerificationConfig config,
            VerificationMetrics metrics,
            Clock clock) {
        this.challenges = challenges;
        this.factors = factors;
        this.users = users;
        this.keys = keys;
        this.hasher = hasher;
        this.codes = codes;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Sends a new code; completes with when the next send is allowed. */
    @WithTransaction
    public Uni<Instant> send(Caller caller, UUID challengeId) {
        Instant now = clock.instant();
        // The user's state row, then the challenge row: the cooldown, the per-challenge and the per-user hourly
        // limits hold against concurrent requests (verifications lock the same rows).
        return users.lock(caller.userId(), caller.orgId(), now)
                .flatMap(state -> challenges.lock(challengeId).flatMap(challenge -> {
                    if (challenge == null || !challenge.userId.equals(caller.userId())) {
                        throw ProblemException.notFound("No such challenge.");
                    }
                    challenge.requireOpenFor(Method.SMS, now, SmsChallengeService::smsNotOffered);
                    if (challenge.smsSends >= config.sms().maxSends()) {
                        throw ProblemException.tooManyRequests(
                                "too-many-sends",
                                "No more codes can be sent for this challenge; start a new sign-in.",
                                ThrottlePolicy.secondsUntil(challenge.expiresAt, now));
                    }
                    if (challenge.smsNextSendAt != null && now.isBefore(challenge.smsNextSendAt)) {
                        throw ProblemException.tooManyRequests(
                                "resend-too-soon",
                                "Wait before asking for another code.",
                                ThrottlePolicy.secondsUntil(challenge.smsNextSendAt, now));
                    }
                    if (state != null && state.lockedAt != null) {
                        throw new ProblemException(
                                Problem.of(
                                        429,
                                        "user-locked",
                                        "Too many requests",
                                        "Too many failed attempts: ask your administrator to reset your verification methods."));
                    }
                    return withinHourlyCap(caller.userId(), now)
                            .flatMap(ignored -> factors.ofUser(caller.userId(), Factor.SMS))
                            .flatMap(smsFactors -> {
                                if (smsFactors.isEmpty()) {
                                    throw smsNotOffered();
                                }
                                return sendTo(smsFactors.get(0), challenge, now);
                            });
                }));
    }

    private static ProblemException smsNotOffered() {
        return ProblemException.unprocessable("method-not-offered", "SMS is not available for this challenge.", null);
    }

    /** Every send counts, resends included, over all of the user's challenges of the last hour. */
    private Uni<Void> withinHourlyCap(String userId, Instant now) {
        Instant since = now.minus(ChallengeService.HOUR);
        return challenges.smsSentSince(userId, since).map(recent -> {
            if (recent.count() >= config.sms().maxSendsPerHour()) {
                throw ProblemException.tooManyRequests(
                        "too-many-sms",
                        "Too many codes were sent this hour; use another method or try again later.",
                        ThrottlePolicy.secondsUntil(recent.oldest().plus(ChallengeService.HOUR), now));
            }
            return null;
        });
    }

    private Uni<Instant> sendTo(Factor factor, Challenge challenge, Instant now) {
        String code = codes.generate();
        challenge.smsCodeHash = hasher.hash(code); // replaces any earlier code
        challenge.smsFactorId = factor.factorId;
        challenge.smsCodeExpiresAt = now.plus(config.sms().codeTtl());
        challenge.smsSends++;
        Duration cooldown = config.sms().cooldown().multipliedBy(1L << Math.min(challenge.smsSends - 1, 20));
        challenge.smsNextSendAt = now.plus(cooldown);
        // Events carry sms-key ciphertexts bound to field and user, which notification-service reads (docs/design.md).
        String to = keys.seal(
                SealedField.PHONE,
                challenge.userId,
                Factor.openPhone(keys, factor.userId, factor.factorId, factor.phoneEnc));
        challenge.smsRequestId = UUID.randomUUID();
        Events.SmsRequested request = new Events.SmsRequested(
                challenge.smsRequestId,
                challenge.userId,
                PURPOSE_SIGN_IN,
                factor.country,
                to,
                keys.seal(SealedField.SMS_CODE, challenge.userId, code),
                challenge.smsCodeExpiresAt);
        Instant next = challenge.smsNextSendAt;
        return challenges
                .smsRequested(request)
                .invoke(ignored -> metrics.smsRequested())
                .replaceWith(next);
    }

    /**
     * notification-service could not deliver the latest code of an open challenge (provider refused it, or it expired
     * before it could be sent): the user may ask for a new one at once instead of waiting out the cooldown. A failure
     * of an older, already replaced code changes nothing. Runs in the consumer's transaction.
     */
    public Uni<Integer> smsFailed(Events.SmsFailed failed) {
        return challenges.liftSmsCooldown(failed.requestId(), clock.instant());
    }
}
