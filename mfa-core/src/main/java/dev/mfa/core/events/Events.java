package dev.mfa.core.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.mfa.core.otp.OtpAlgorithm;
import dev.mfa.core.otp.TotpParameters;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Typed {@code data} of every event type of CONTRACT §5. Unknown fields are tolerated ({@link EventData}). */
public final class Events {

    private Events() {}

    /** A user of an org exists or changed. {@code pay} is {@code payee}, {@code user} or null. */
    @EventType(EventTypes.USER_UPSERTED)
    public record UserUpserted(String userId, String orgId, String email, String pay, List<String> groups)
            implements EventData.OfUser {}

    /** A user left the identity provider. */
    @EventType(EventTypes.USER_REMOVED)
    public record UserRemoved(String userId, String orgId) implements EventData.OfUser {}

    /**
     * A factor became active. {@code totpSecret} (TOTP) and {@code phone} (SMS, E.164) are field-cipher ciphertexts;
     * {@code lastUsedStep} is the TOTP step consumed by the confirmation. {@code algorithm}, {@code digits} and
     * {@code period} (seconds) are the TOTP parameters, null for SMS and in events written before they travelled.
     */
    @EventType(EventTypes.FACTOR_ENROLLED)
    public record FactorEnrolled(
            UUID factorId,
            String userId,
            String orgId,
            String method,
            String label,
            String totpSecret,
            String phone,
            String phoneMasked,
            String country,
            Long lastUsedStep,
            Instant enrolledAt,
            String algorithm,
            Integer digits,
            Integer period)
            implements EventData.OfUser {

        /** Without TOTP parameters: an SMS factor, or a TOTP factor with the defaults. */
        public FactorEnrolled(
                UUID factorId,
                String userId,
                String orgId,
                String method,
                String label,
                String totpSecret,
                String phone,
                String phoneMasked,
                String country,
                Long lastUsedStep,
                Instant enrolledAt) {
            this(
                    factorId,
                    userId,
                    orgId,
                    method,
                    label,
                    totpSecret,
                    phone,
                    phoneMasked,
                    country,
                    lastUsedStep,
                    enrolledAt,
                    null,
                    null,
                    null);
        }

        /** Sets the TOTP parameters from {@code p} (its window is the verifier's business and does not travel). */
        public FactorEnrolled withTotp(TotpParameters p) {
            return new FactorEnrolled(
                    factorId,
                    userId,
                    orgId,
                    method,
                    label,
                    totpSecret,
                    phone,
                    phoneMasked,
                    country,
                    lastUsedStep,
                    enrolledAt,
                    p.algorithm().otpauthName(),
                    p.digits(),
                    p.periodSeconds());
        }

        /**
         * The TOTP parameters to verify this factor's codes with (window {@link TotpParameters#DEFAULT_WINDOW}); a
         * missing one is its default, so events from before the parameters travelled keep working.
         *
         * @throws IllegalArgumentException for an unsupported algorithm or out-of-range digits or period
         */
        @JsonIgnore
        public TotpParameters totpParameters() {
            return new TotpParameters(
                    algorithm == null ? TotpParameters.DEFAULT_ALGORITHM : OtpAlgorithm.fromOtpauthName(algorithm),
                    digits == null ? TotpParameters.DEFAULT_DIGITS : digits,
                    period == null ? TotpParameters.DEFAULT_PERIOD_SECONDS : period,
                    TotpParameters.DEFAULT_WINDOW);
        }
    }

    /**
     * A factor was removed: by its user ({@code user}), by a new factor of its method ({@code replaced}), by an admin
     * reset ({@code admin-reset}), or because the user left the org ({@code user-removed}).
     */
    @EventType(EventTypes.FACTOR_REMOVED)
    public record FactorRemoved(UUID factorId, String userId, String orgId, String reason, Instant removedAt)
            implements EventData.OfUser {}

    /** A new recovery code replaces any previous one; only its hash travels. */
    @EventType(EventTypes.RECOVERY_CODE_ISSUED)
    public record RecoveryCodeIssued(
            UUID recoveryCodeId, String userId, String orgId, String codeHash, Instant issuedAt)
            implements EventData.OfUser {}

    /** The user's recovery code no longer works. */
    @EventType(EventTypes.RECOVERY_CODE_REVOKED)
    public record RecoveryCodeRevoked(
            UUID recoveryCodeId, String userId, String orgId, String reason, Instant revokedAt)
            implements EventData.OfUser {}

    /** An org's MFA policy changed; {@code version} grows with every change so that stale events can be ignored. */
    @EventType(EventTypes.ORG_POLICY_CHANGED)
    public record OrgPolicyChanged(
            String orgId,
            boolean enabled,
            Instant enforcementDeadline,
            String state,
            List<String> allowedMethods,
            long version,
            Instant updatedAt)
            implements EventData.OfOrg {}

    /** A reminder before an org's enforcement deadline. */
    @EventType(EventTypes.DEADLINE_APPROACHING)
    public record DeadlineApproaching(String orgId, Instant enforcementDeadline, int daysLeft)
            implements EventData.OfOrg {}

    /** An org's enforcement deadline passed: MFA becomes mandatory. */
    @EventType(EventTypes.DEADLINE_REACHED)
    public record DeadlineReached(String orgId, Instant enforcementDeadline) implements EventData.OfOrg {}

    /** A user's MFA requirement changed ({@code NOT_REQUIRED}, {@code OPTIONAL}, {@code REQUIRED}). */
    @EventType(EventTypes.USER_REQUIREMENT_CHANGED)
    public record UserRequirementChanged(
            String userId, String orgId, String requirement, String previous, String reason)
            implements EventData.OfUser {}

    /** Send one SMS code. {@code to} and {@code code} are field-cipher ciphertexts; {@code purpose} is {@code ENROLLMENT} or {@code SIGN_IN}. */
    @EventType(EventTypes.SMS_REQUESTED)
    public record SmsRequested(
            UUID requestId, String userId, String purpose, String country, String to, String code, Instant expiresAt)
            implements EventData.OfUser {}

    /** The provider accepted the message. */
    @EventType(EventTypes.SMS_SENT)
    public record SmsSent(UUID requestId, String userId, String providerMessageId, String country, Instant sentAt)
            implements EventData.OfUser {}

    /** The provider reported delivery to the handset. */
    @EventType(EventTypes.SMS_DELIVERED)
    public record SmsDelivered(UUID requestId, String userId, String providerMessageId, Instant deliveredAt)
            implements EventData.OfUser {}

    /** The message could not be sent or delivered; {@code reason} is a short machine-readable word. */
    @EventType(EventTypes.SMS_FAILED)
    public record SmsFailed(UUID requestId, String userId, String reason, boolean permanent, Instant failedAt)
            implements EventData.OfUser {}

    /**
     * Send one e-mail notice. {@code to} is a field-cipher ciphertext; {@code template} is one of
     * {@link EmailTemplates}; {@code params} are the template's non-secret values (dates, method names, masked
     * phones; never a code, secret or full number).
     */
    @EventType(EventTypes.EMAIL_REQUESTED)
    public record EmailRequested(
            UUID requestId, String userId, String template, String to, java.util.Map<String, String> params)
            implements EventData.OfUser {}

    /** The mail server accepted the e-mail. */
    @EventType(EventTypes.EMAIL_SENT)
    public record EmailSent(UUID requestId, String userId, String template, Instant sentAt)
            implements EventData.OfUser {}

    /** The e-mail was not sent; {@code reason} is a short machine-readable word. */
    @EventType(EventTypes.EMAIL_FAILED)
    public record EmailFailed(
            UUID requestId, String userId, String template, String reason, boolean permanent, Instant failedAt)
            implements EventData.OfUser {}

    /** A sign-in second step succeeded (never carries the code). */
    @EventType(EventTypes.VERIFICATION_SUCCEEDED)
    public record VerificationSucceeded(
            UUID challengeId, String userId, String orgId, String method, UUID factorId, Instant verifiedAt)
            implements EventData.OfUser {}

    /** A sign-in second step failed (never carries the code). */
    @EventType(EventTypes.VERIFICATION_FAILED)
    public record VerificationFailed(
            UUID challengeId, String userId, String orgId, String method, int consecutiveFailures, Instant failedAt)
            implements EventData.OfUser {}

    /** Too many consecutive failures: the user is locked until an admin reset. */
    @EventType(EventTypes.USER_LOCKED)
    public record UserLocked(String userId, String orgId, int consecutiveFailures, Instant lockedAt)
            implements EventData.OfUser {}

    /** The user signed in with their recovery code; it no longer works. */
    @EventType(EventTypes.RECOVERY_CODE_USED)
    public record RecoveryCodeUsed(UUID recoveryCodeId, String userId, String orgId, UUID challengeId, Instant usedAt)
            implements EventData.OfUser {}
}
