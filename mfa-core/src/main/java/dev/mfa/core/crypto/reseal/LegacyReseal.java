package dev.mfa.core.crypto.reseal;

import dev.mfa.core.crypto.FieldKeys;
import io.quarkus.runtime.Application;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one-off re-encryption of rows written under the legacy shared key (issue 15 #14): run by each service that
 * holds the legacy key, once at startup, in the background and in batches. Once it reports nothing left on every
 * replica, and the topics no longer hold events older than the split, the legacy key can be removed. A bean made by
 * {@code CryptoProducers}.
 */
public class LegacyReseal {

    private static final Logger LOG = Logger.getLogger(LegacyReseal.class);

    private final LegacyCiphertextRepository repository;
    private final FieldKeys keys;
    private final int batchSize;

    public LegacyReseal(LegacyCiphertextRepository repository, FieldKeys keys, int batchSize) {
        this.repository = repository;
        this.keys = keys;
        this.batchSize = batchSize;
    }

    /** Re-seals every legacy value of the targets; completes with how many rows were rewritten. */
    public Uni<Integer> resealAll(List<ResealTarget> targets) {
        if (!keys.hasLegacy()) {
            return Uni.createFrom().item(0);
        }
        Uni<Integer> total = Uni.createFrom().item(0);
        for (ResealTarget target : targets) {
            total = total.flatMap(sum -> resealFrom(target, null, 0).map(n -> {
                if (n > 0) {
                    LOG.infof("%s: %d row(s) re-sealed from the legacy field key", target.table(), n);
                }
                return sum + n;
            }));
        }
        return total;
    }

    private Uni<Integer> resealFrom(ResealTarget target, UUID after, int done) {
        return repository
                .resealBatch(target, keys, after, batchSize)
                .flatMap(batch -> batch.lastId() == null
                        ? Uni.createFrom().item(done)
                        : resealFrom(target, batch.lastId(), done + batch.resealed()));
    }

    /**
     * Starts {@link #resealAll} on a fresh safe Vert.x context (Hibernate Reactive needs one) once the application
     * has started; a failure is logged and left for the next start, never fatal.
     */
    public void startInBackground(Vertx vertx, List<ResealTarget> targets) {
        if (!keys.hasLegacy()) {
            return;
        }
        long[] timer = new long[1];
        timer[0] = vertx.setPeriodic(200, id -> {
            Application app = Application.currentApplication();
            if (app == null || !app.isStarted()) {
                return;
            }
            vertx.cancelTimer(timer[0]);
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> Uni.createFrom()
                    .deferred(() -> resealAll(targets))
                    .subscribe()
                    .with(
                            n -> LOG.infof("legacy field key: %d row(s) re-sealed at startup", n),
                            e -> LOG.warnf(
                                    "legacy field key re-sealing failed, retried at the next start: %s",
                                    e.getClass().getSimpleName())));
        });
    }
}
