package dev.mfa.enrollment.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Per-user serialisation for checks that count rows before adding one (reauth attempts, SMS sends): without it,
 * parallel requests all read the same count and each gets through. A transaction-scoped PostgreSQL advisory lock,
 * so it works for users without a roster row and is released by the commit or rollback.
 */
@ApplicationScoped
public class UserLocks {

    /** Inside a transaction: waits for, then holds until the end of the transaction, the lock {@code purpose:user}. */
    public Uni<Void> lock(String purpose, String userId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select 1 from pg_advisory_xact_lock(hashtextextended(:key, 0))", Integer.class)
                        .setParameter("key", purpose + ":" + userId)
                        .getSingleResult())
                .replaceWithVoid();
    }
}
