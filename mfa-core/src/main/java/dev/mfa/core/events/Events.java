package dev.mfa.core.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.mfa.core.otp.OtpAlgorithm;
import dev.mfa.core.otp.TotpParameters;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Typed {@code data} of every event type of CONTRACT §5. Unknown fields are tolerated. */
public final class Events {

    private Events() {}

    /** A user of an org exists or changed. {@code pay} is {@code payee}, {@code user} or null. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserUpserted(String userId, String orgId, String email, String pay, List<String> groups)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.USER_UPSERTED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** A user left the identity provider. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserRemoved(String userId, String orgId) implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.USER_REMOVED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /**
     * A factor became active. {@code totpSecret} (TOTP) and {@code phone} (SMS, E.164) are field-cipher ciphertexts;
     * {@code lastUsedStep} is the TOTP step consumed by the confirmation. {@code algorithm}, {@code digits} and
     * {@code period} (seconds) are the TOTP parameters, null for SMS and in events written before they travelled.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
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
            implements EventData {

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

        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.FACTOR_ENROLLED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** A factor was removed by its user ({@code user}) or an admin reset ({@code admin-reset}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FactorRemoved(UUID factorId, String userId, String orgId, String reason, Instant removedAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.FACTOR_REMOVED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** A new recovery code replaces any previous one; only its hash travels. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RecoveryCodeIssued(
            UUID recoveryCodeId, String userId, String orgId, String codeHash, Instant issuedAt) implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.RECOVERY_CODE_ISSUED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** The user's recovery code no longer works. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RecoveryCodeRevoked(
            UUID recoveryCodeId, String userId, String orgId, String reason, Instant revokedAt) implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.RECOVERY_CODE_REVOKED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** An org's MFA policy changed; {@code version} grows with every change so that stale events can be ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OrgPolicyChanged(
            String orgId,
            boolean enabled,
            Instant enforcementDeadline,
            String state,
            List<String> allowedMethods,
            long version,
            Instant updatedAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.ORG_POLICY_CHANGED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return orgId;
        }
    }

    /** A reminder before an org's enforcement deadline. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeadlineApproaching(String orgId, Instant enforcementDeadline, int daysLeft) implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.DEADLINE_APPROACHING;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return orgId;
        }
    }

    /** An org's enforcement deadline passed: MFA becomes mandatory. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeadlineReached(String orgId, Instant enforcementDeadline) implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.DEADLINE_REACHED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return orgId;
        }
    }

    /** A user's MFA requirement changed ({@code NOT_REQUIRED}, {@code OPTIONAL}, {@code REQUIRED}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserRequirementChanged(
            String userId, String orgId, String requirement, String previous, String reason) implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.USER_REQUIREMENT_CHANGED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** Send one SMS code. {@code to} and {@code code} are field-cipher ciphertexts; {@code purpose} is {@code ENROLLMENT} or {@code SIGN_IN}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SmsRequested(
            UUID requestId, String userId, String purpose, String country, String to, String code, Instant expiresAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.SMS_REQUESTED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** The provider accepted the message. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SmsSent(UUID requestId, String userId, String providerMessageId, String country, Instant sentAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.SMS_SENT;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** The provider reported delivery to the handset. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SmsDelivered(UUID requestId, String userId, String providerMessageId, Instant deliveredAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.SMS_DELIVERED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** The message could not be sent or delivered; {@code reason} is a short machine-readable word. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SmsFailed(UUID requestId, String userId, String reason, boolean permanent, Instant failedAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.SMS_FAILED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /**
     * Send one e-mail notice. {@code to} is a field-cipher ciphertext; {@code template} is one of
     * {@link EmailTemplates}; {@code params} are the template's non-secret values (dates, method names, masked
     * phones; never a code, secret or full number).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EmailRequested(
            UUID requestId, String userId, String template, String to, java.util.Map<String, String> params)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.EMAIL_REQUESTED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** The mail server accepted the e-mail. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EmailSent(UUID requestId, String userId, String template, Instant sentAt) implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.EMAIL_SENT;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** The e-mail was not sent; {@code reason} is a short machine-readable word. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EmailFailed(
            UUID requestId, String userId, String template, String reason, boolean permanent, Instant failedAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.EMAIL_FAILED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** A sign-in second step succeeded (never carries the code). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record VerificationSucceeded(
            UUID challengeId, String userId, String orgId, String method, UUID factorId, Instant verifiedAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.VERIFICATION_SUCCEEDED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** A sign-in second step failed (never carries the code). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record VerificationFailed(
            UUID challengeId, String userId, String orgId, String method, int consecutiveFailures, Instant failedAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.VERIFICATION_FAILED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** Too many consecutive failures: the user is locked until an admin reset. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserLocked(String userId, String orgId, int consecutiveFailures, Instant lockedAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.USER_LOCKED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }

    /** The user signed in with their recovery code; it no longer works. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RecoveryCodeUsed(UUID recoveryCodeId, String userId, String orgId, UUID challengeId, Instant usedAt)
            implements EventData {
        @Override
        @JsonIgnore
        public String eventType() {
            return EventTypes.RECOVERY_CODE_USED;
        }

        @Override
        @JsonIgnore
        public String partitionKey() {
            return userId;
        }
    }
}
