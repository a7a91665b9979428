package dev.mfa.verification.service;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.Events;
import dev.mfa.core.otp.TotpParameters;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.repository.ChallengeRepository;
import dev.mfa.verification.repository.FactorRepository;
import dev.mfa.verification.repository.RecoveryCodeRepository;
import dev.mfa.verification.repository.UserStateRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Keeps this service's view of factors, recovery codes and requirements. Runs inside the consumer's transaction
 * ({@code ProcessedEvents.once}), so the effect and the event id commit together.
 */
@ApplicationScoped
public class ProjectionService {

    /** Removal reason after which the user starts over, failures and lock included (docs/design.md). */
    public static final String ADMIN_RESET = "admin-reset";

    private static final Logger LOG = Logger.getLogger(ProjectionService.class);

    private final FactorRepository factors;
    private final ChallengeRepository challenges;
    private final RecoveryCodeRepository recoveryCodes;
    private final UserStateRepository users;
    private final FieldKeys keys;
    private final Clock clock;

    public ProjectionService(
            FactorRepository factors,
            ChallengeRepository challenges,
            RecoveryCodeRepository recoveryCodes,
            UserStateRepository users,
            FieldKeys keys,
            Clock clock) {
        this.factors = factors;
        this.challenges = challenges;
        this.recoveryCodes = recoveryCodes;
        this.users = users;
        this.keys = keys;
        this.clock = clock;
    }

    public Uni<Void> factorEnrolled(Events.FactorEnrolled e) {
        Factor f = new Factor();
        f.factorId = e.factorId();
        f.userId = e.userId();
        f.orgId = e.orgId();
        f.method = e.method();
        f.label = e.label();
        f.enrolledAt = e.enrolledAt() != null ? e.enrolledAt() : clock.instant();
        f.lastUsedStep = e.lastUsedStep();
        f.country = e.country();
        f.phoneMasked = e.phoneMasked();
        if (f.factorId == null || f.userId == null || f.orgId == null) {
            throw new IllegalArgumentException("factor event lacks factorId, userId or orgId");
        }
        // The event's ciphertexts are bound to field and user; at rest also to this factor's row.
        switch (String.valueOf(f.method)) {
            case Factor.TOTP -> {
                if (e.totpSecret() == null) {
                    throw new IllegalArgumentException("TOTP factor event without secret");
                }
                f.secretEnc = Factor.sealSecret(
                        keys, f.userId, f.factorId, keys.open(SealedField.TOTP_SECRET, f.userId, e.totpSecret()));
                TotpParameters p = e.totpParameters(); // bad values: IllegalArgumentException, dead-lettered
                f.totpAlgorithm = p.algorithm().otpauthName();
                f.totpDigits = p.digits();
                f.totpPeriod = p.periodSeconds();
            }
            case Factor.SMS -> {
                if (e.phone() == null) {
                    throw new IllegalArgumentException("SMS factor event without phone");
                }
                f.phoneEnc =
                        Factor.sealPhone(keys, f.userId, f.factorId, keys.open(SealedField.PHONE, f.userId, e.phone()));
            }
            default -> {
                LOG.warnf("factor %s has unknown method; ignored", f.factorId);
                return Uni.createFrom().voidItem();
            }
        }
        return factors.insertIfAbsent(f).replaceWithVoid();
    }

    public Uni<Void> factorRemoved(Events.FactorRemoved e) {
        // An admin reset voids every code in flight; any other removal the codes sent to that factor.
        UUID codesOf = ADMIN_RESET.equals(e.reason()) ? null : e.factorId();
        return factors.delete(e.factorId(), e.userId())
                .flatMap(ignored -> challenges.clearOpenSmsCodes(e.userId(), codesOf))
                .flatMap(ignored -> adminResetIfAsked(e.userId(), e.reason(), e.removedAt()));
    }

    public Uni<Void> recoveryCodeIssued(Events.RecoveryCodeIssued e) {
        return recoveryCodes
                .replace(
                        e.recoveryCodeId(),
                        e.userId(),
                        e.orgId(),
                        e.codeHash(),
                        e.issuedAt() != null ? e.issuedAt() : clock.instant())
                .replaceWithVoid();
    }

    public Uni<Void> recoveryCodeRevoked(Events.RecoveryCodeRevoked e) {
        return recoveryCodes
                .delete(e.userId(), e.recoveryCodeId())
                .flatMap(ignored -> adminResetIfAsked(e.userId(), e.reason(), e.revokedAt()));
    }

    public Uni<Void> requirementChanged(Events.UserRequirementChanged e) {
        return users.setRequirement(e.userId(), e.orgId(), e.requirement(), clock.instant())
                .replaceWithVoid();
    }

    /** A reset clears only what happened before it: a replayed old reset must not lift a newer lock. */
    private Uni<Void> adminResetIfAsked(String userId, String reason, Instant resetAt) {
        return ADMIN_RESET.equals(reason)
                ? users.clearFailures(userId, resetAt != null ? resetAt : clock.instant(), clock.instant())
                        .replaceWithVoid()
                : Uni.createFrom().voidItem();
    }
}
