package dev.mfa.notification.repository;

import java.time.Instant;
import java.util.UUID;

/** A claimed e-mail request: everything the sender needs, without holding a database session. */
public record EmailClaim(
        UUID requestId,
        String userId,
        String template,
        String recipient,
        String params,
        Instant expiresAt,
        int attempts)
        implements QueuedClaim {
    @Override
    public String toString() {
        return "EmailClaim[" + requestId + ", " + template + ", attempt " + attempts + "]";
    }
}
