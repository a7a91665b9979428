package dev.mfa.verification.repository;

import dev.mfa.verification.domain.Factor;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Projected factors. Every method runs in the caller's session/transaction. */
@ApplicationScoped
public class FactorRepository implements PanacheRepositoryBase<Factor, UUID> {

    public Uni<List<Factor>> ofUser(String userId) {
        return list("userId = ?1 order by enrolledAt desc", userId);
    }

    public Uni<List<Factor>> ofUser(String userId, String method) {
        return list("userId = ?1 and method = ?2 order by enrolledAt desc", userId, method);
    }

    /** First projection wins: a replayed enrollment of the same factor changes nothing. */
    public Uni<Integer> insertIfAbsent(Factor f) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into factor (factor_id, user_id, org_id, "
                                + "method, label, secret_enc, phone_enc, phone_masked, country, last_used_step, enrolled_at, "
                                + "totp_algorithm, totp_digits, totp_period) values (:id, :user, :org, :method, :label, "
                                + ":secret, :phone, :masked, :country, :step, :at, :algorithm, :digits, :period) "
                                + "on conflict (factor_id) do nothing")
                        .setParameter("id", f.factorId)
                        .setParameter("user", f.userId)
                        .setParameter("org", f.orgId)
                        .setParameter("method", f.method)
                        .setParameter("label", f.label)
                        .setParameter("secret", f.secretEnc)
                        .setParameter("phone", f.phoneEnc)
                        .setParameter("masked", f.phoneMasked)
                        .setParameter("country", f.country)
                        .setParameter("step", f.lastUsedStep)
                        .setParameter("at", f.enrolledAt)
                        .setParameter("algorithm", f.totpAlgorithm)
                        .setParameter("digits", f.totpDigits)
                        .setParameter("period", f.totpPeriod)
                        .executeUpdate());
    }

    public Uni<Long> delete(UUID factorId, String userId) {
        return delete("factorId = ?1 and userId = ?2", factorId, userId);
    }
}
