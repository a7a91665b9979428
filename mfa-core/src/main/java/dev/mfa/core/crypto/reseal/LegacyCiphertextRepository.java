package dev.mfa.core.crypto.reseal;

import dev.mfa.core.crypto.FieldCipherException;
import dev.mfa.core.crypto.FieldKeys;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Re-seals, batch by batch, the values of a {@link ResealTarget} still written under the legacy shared key: each is
 * opened with the legacy key and its old context, and written back under its purpose key, bound to field, user and
 * row. Rows are taken in id order after the last one seen ({@code for update skip locked}: replicas starting together
 * share the work), so a value that cannot be opened is reported and skipped, never retried forever.
 */
@ApplicationScoped
public class LegacyCiphertextRepository {

    private static final Logger LOG = Logger.getLogger(LegacyCiphertextRepository.class);

    /** One batch's outcome: rows re-sealed and the last id seen (null when there was nothing left). */
    public record Batch(int resealed, UUID lastId) {}

    /** Re-seals up to {@code limit} rows after {@code after} (null: from the start), in one transaction. */
    public Uni<Batch> resealBatch(ResealTarget target, FieldKeys keys, UUID after, int limit) {
        String select = "select cast(" + target.idColumn() + " as text), " + target.userColumn() + ", "
                + target.columns().stream().map(ResealTarget.Column::name).collect(Collectors.joining(", "))
                + " from " + target.table() + " where (" + legacyCondition(target, keys.legacyKeyIds()) + ")"
                + (after == null ? "" : " and " + target.idColumn() + " > cast(:after as uuid)")
                + " order by " + target.idColumn() + " limit :limit for update skip locked";
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> {
            var query = session.createNativeQuery(select, Object[].class).setParameter("limit", limit);
            return (after == null ? query : query.setParameter("after", after.toString()))
                    .getResultList()
                    .flatMap(rows -> rewrite(session, target, keys, rows));
        }));
    }

    private Uni<Batch> rewrite(Mutiny.Session session, ResealTarget target, FieldKeys keys, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(new Batch(0, null));
        }
        String update = "update " + target.table() + " set "
                + target.columns().stream()
                        .map(c -> c.name() + " = :" + c.name())
                        .collect(Collectors.joining(", "))
                + " where " + target.idColumn() + " = cast(:id as uuid)";
        List<Uni<Integer>> writes = new ArrayList<>();
        for (Object[] row : rows) {
            String id = (String) row[0];
            String userId = (String) row[1];
            try {
                var write = session.createNativeQuery(update).setParameter("id", id);
                for (int i = 0; i < target.columns().size(); i++) {
                    ResealTarget.Column column = target.columns().get(i);
                    String value = (String) row[2 + i];
                    if (value != null && keys.isLegacy(value)) {
                        String plain = keys.openAtRest(
                                column.field(),
                                userId,
                                id,
                                value,
                                column.legacyContext().apply(id));
                        value = keys.sealAtRest(column.field(), userId, id, plain);
                    }
                    write.setParameter(column.name(), value);
                }
                writes.add(write.executeUpdate());
            } catch (FieldCipherException e) {
                // Never the value: the row and why. It stays as it is (and unreadable) until an operator looks.
                LOG.warnf(
                        "%s row %s: a legacy ciphertext cannot be opened (%s); left as it is",
                        target.table(), id, e.reason());
            }
        }
        UUID last = UUID.fromString((String) rows.get(rows.size() - 1)[0]);
        if (writes.isEmpty()) {
            return Uni.createFrom().item(new Batch(0, last));
        }
        // one statement at a time: a session runs one query at once
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (Uni<Integer> w : writes) {
            chain = chain.flatMap(n -> w.map(c -> n + c));
        }
        return chain.map(n -> new Batch(n, last));
    }

    /** {@code col like 'v1:<legacyId>:%' or ...}: key ids are [A-Za-z0-9_-], '_' escaped for LIKE. */
    private static String legacyCondition(ResealTarget target, Set<String> legacyKeyIds) {
        List<String> terms = new ArrayList<>();
        for (ResealTarget.Column column : target.columns()) {
            for (String id : legacyKeyIds) {
                if (!dev.mfa.core.crypto.FieldCipher.KEY_ID_PATTERN.matcher(id).matches()) {
                    throw new IllegalArgumentException("invalid key id");
                }
                terms.add(column.name() + " like 'v1:" + id.replace("_", "\\_") + ":%'");
            }
        }
        return String.join(" or ", terms);
    }
}
