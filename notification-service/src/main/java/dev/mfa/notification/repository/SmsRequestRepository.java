package dev.mfa.notification.repository;

import dev.mfa.notification.domain.SmsPurpose;
import dev.mfa.notification.domain.SmsRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;

/** {@code sms_request} rows. */
// Singleton: no client proxy, which would need a no-args constructor up the class hierarchy.
@Singleton
public class SmsRequestRepository extends QueuedRequestRepository<SmsRequest, SmsClaim> {

    public SmsRequestRepository(Pool pool) {
        super(
                SmsRequest.class,
                "sms_request",
                "sms-request:",
                List.of("SENT", "DELIVERED", "FAILED"),
                new QueueTable<>(
                        pool,
                        "sms_request",
                        "next_attempt_at",
                        "request_id, user_id, purpose, country, recipient, code, expires_at, requested_at, attempts",
                        r -> new SmsClaim(
                                r.getUUID("request_id"),
                                r.getString("user_id"),
                                SmsPurpose.valueOf(r.getString("purpose")),
                                r.getString("country"),
                                r.getString("recipient"),
                                r.getString("code"),
                                QueueTable.instant(r, "expires_at"),
                                QueueTable.instant(r, "requested_at"),
                                r.getInteger("attempts"))));
    }

    /** The request the provider knows by {@code messageId}, locked until the transaction ends; null if none. */
    public Uni<SmsRequest> findLockedByMessageId(String messageId) {
        return Panache.getSession()
                .flatMap(s -> s.createSelectionQuery("from SmsRequest where providerMessageId = :m", SmsRequest.class)
                        .setParameter("m", messageId)
                        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                        .setMaxResults(1)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** Counted requests of one purpose to one destination (sign-in codes: whoever asked). */
    public Uni<Long> countByDestinationSince(String destinationHash, String purpose, Instant since) {
        return countSince("destination_hash = :k and purpose = :p", destinationHash, since, "p", purpose);
    }

    /** Counted requests of one purpose from one user to one destination (enrollment codes). */
    public Uni<Long> countByUserAndDestinationSince(
            String destinationHash, String purpose, String userId, Instant since) {
        return countSince(
                "destination_hash = :k and purpose = :p and user_id = :u",
                destinationHash,
                since,
                "p",
                purpose,
                "u",
                userId);
    }

    /** Counted requests of one purpose to one country. */
    public Uni<Long> countByCountrySince(String country, String purpose, Instant since) {
        return countSince("country = :k and purpose = :p", country, since, "p", purpose);
    }
}
