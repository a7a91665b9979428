package dev.mfa.enrollment.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The assertions that authorised a change, by {@code jti}, until they expire (table {@code assertion_use}). */
@ApplicationScoped
public class AssertionUseRepository {

    /**
     * Inside the change's transaction: true when this {@code jti} was not used before. A parallel use of the same
     * jti waits on the primary key until this transaction ends, then finds it (or, after a rollback, takes it).
     */
    public Uni<Boolean> claim(String jti, String userId, Instant usedAt, Instant expiresAt) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "insert into assertion_use (jti, user_id, "
                                        + "used_at, expires_at) values (:jti, :user, :at, :expires) on conflict (jti) do nothing")
                        .setParameter("jti", jti)
                        .setParameter("user", userId)
                        .setParameter("at", usedAt)
                        .setParameter("expires", expiresAt)
                        .executeUpdate())
                .map(rows -> rows == 1);
    }

    /** Whether this {@code jti} already authorised a change. Needs a session. */
    public Uni<Boolean> used(String jti) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("select count(*) from assertion_use where jti = :jti", Long.class)
                        .setParameter("jti", jti)
                        .getSingleResult())
                .map(count -> count > 0);
    }

    /**
     * Inside a transaction: rows of assertions expired before {@code now}: they can no longer be presented, so need
     * no memory.
     */
    public Uni<Integer> purge(Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("delete from assertion_use where expires_at < :now")
                        .setParameter("now", now)
                        .executeUpdate());
    }
}
