package dev.mfa.verification.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mfa.verification.domain.Method;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Request and response bodies of CONTRACT §4. */
public final class Dtos {

    private Dtos() {}

    public record ChallengeCreated(UUID challengeId, List<Method> methods, String phoneMasked, Instant expiresAt) {}

    public record NoChallenge(boolean mfaRequired) {}

    public record SmsSent(Instant resendAvailableAt) {}

    public record VerifyRequest(String method, String code) {
        @Override
        public String toString() {
            return "VerifyRequest[method=" + method + ", code=" + (code == null ? null : "***") + "]";
        }
    }

    public record Verified(boolean verified, String assertion, boolean recoveryCodeUsed) {
        @Override
        public String toString() {
            return "Verified[verified=" + verified + ", assertion=***, recoveryCodeUsed=" + recoveryCodeUsed + "]";
        }
    }

    /** RFC 9457 problem with the contract's {@code verified} and {@code attemptsRemaining} as extension members. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerificationFailed(
            String type,
            String title,
            int status,
            String detail,
            boolean verified,
            int attemptsRemaining,
            Long retryAfterSeconds) {}
}
