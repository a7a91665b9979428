package dev.mfa.verification.repository;

import dev.mfa.verification.domain.RecoveryCode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Users' recovery code hashes. Every method runs in the caller's session/transaction. */
@ApplicationScoped
public class RecoveryCodeRepository implements PanacheRepositoryBase<RecoveryCode, String> {

    public Uni<RecoveryCode> find(String userId) {
        return findById(userId);
    }

    /**
     * A newly issued code replaces the previous one (used or not). Monotonic: the same code issued again (a replay)
     * changes nothing, so a used code stays used, and an older code never replaces a newer one.
     */
    public Uni<Integer> replace(UUID recoveryCodeId, String userId, String orgId, String codeHash, Instant issuedAt) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into recovery_code (user_id, "
                                + "recovery_code_id, org_id, code_hash, issued_at, used_at) values (:user, :id, :org, :hash, "
                                + ":at, null) on conflict (user_id) do update set "
                                + "recovery_code_id = excluded.recovery_code_id, org_id = excluded.org_id, "
                                + "code_hash = excluded.code_hash, issued_at = excluded.issued_at, "
                                + "used_at = null where recovery_code.recovery_code_id <> excluded.recovery_code_id "
                                + "and recovery_code.issued_at <= excluded.issued_at")
                        .setParameter("user", userId)
                        .setParameter("id", recoveryCodeId)
                        .setParameter("org", orgId)
                        .setParameter("hash", codeHash)
                        .setParameter("at", issuedAt)
                        .executeUpdate());
    }

    public Uni<Long> delete(String userId, UUID recoveryCodeId) {
        return delete("userId = ?1 and recoveryCodeId = ?2", userId, recoveryCodeId);
    }
}
