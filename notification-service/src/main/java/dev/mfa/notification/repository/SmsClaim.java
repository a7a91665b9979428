package dev.mfa.notification.repository;

import dev.mfa.notification.domain.SmsPurpose;
import java.time.Instant;
import java.util.UUID;

/** A claimed SMS request: everything the sender needs, without holding a database session. */
public record SmsClaim(
        UUID requestId,
        String userId,
        SmsPurpose purpose,
        String country,
        String recipient,
        String code,
        Instant expiresAt,
        Instant requestedAt,
        int attempts)
        implements QueuedClaim {
    @Override
    public String toString() {
        return "SmsClaim[requestId=" + requestId + ", userId=" + userId + ", purpose=" + purpose + ", country="
                + country + ", recipient=***, code=***, expiresAt=" + expiresAt + ", attempts=" + attempts + "]";
    }
}
