package dev.mfa.enrollment.repository;

import dev.mfa.core.time.SqlInstants;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * The SMS codes sent for a user's enrollments, for the hourly caps (table {@code sms_send}). Every method runs in the
 * caller's session or transaction.
 */
@ApplicationScoped
public class SmsSendRepository {

    public record Sent(String destinationHash, Instant sentAt) {}

    /** Inside a transaction. */
    public Uni<Void> record(String userId, String destinationHash, Instant at) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into sms_send (user_id, destination_hash, "
                                + "sent_at) values (:user, :destination, :at)")
                        .setParameter("user", userId)
                        .setParameter("destination", destinationHash)
                        .setParameter("at", at)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** The user's sends after {@code since}, oldest first. */
    public Uni<List<Sent>> since(String userId, Instant since) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select destination_hash, sent_at from sms_send "
                                        + "where user_id = :user and sent_at > :since order by sent_at",
                                Object[].class)
                        .setParameter("user", userId)
                        .setParameter("since", since)
                        .getResultList())
                .map(rows -> rows.stream()
                        .map(r -> new Sent((String) r[0], SqlInstants.of(r[1])))
                        .toList());
    }

    /** Inside a transaction: forgets the sends before {@code before}. */
    public Uni<Integer> purge(Instant before) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("delete from sms_send where sent_at < :before")
                        .setParameter("before", before)
                        .executeUpdate());
    }
}
