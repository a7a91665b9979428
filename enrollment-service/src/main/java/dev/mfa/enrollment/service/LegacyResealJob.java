package dev.mfa.enrollment.service;

import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.crypto.reseal.LegacyReseal;
import dev.mfa.core.crypto.reseal.ResealTarget;
import dev.mfa.enrollment.domain.Enrollment;
import dev.mfa.enrollment.domain.Factor;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;

/**
 * Issue 15 #14 migration: at startup, factors' and pending enrollments' secrets and phones still under the legacy
 * shared key are re-sealed under the totp and sms keys, bound to field, user and row (in batches, in the background).
 */
@ApplicationScoped
public class LegacyResealJob {

    static final List<ResealTarget> TARGETS = List.of(
            new ResealTarget(
                    "factor",
                    "factor_id",
                    "user_id",
                    List.of(
                            new ResealTarget.Column(
                                    "secret", SealedField.TOTP_SECRET, id -> Factor.context(UUID.fromString(id))),
                            new ResealTarget.Column(
                                    "phone", SealedField.PHONE, id -> Factor.context(UUID.fromString(id))))),
            new ResealTarget(
                    "enrollment",
                    "enrollment_id",
                    "user_id",
                    List.of(
                            new ResealTarget.Column(
                                    "secret", SealedField.TOTP_SECRET, id -> Enrollment.context(UUID.fromString(id))),
                            new ResealTarget.Column(
                                    "phone", SealedField.PHONE, id -> Enrollment.context(UUID.fromString(id))))));

    private final LegacyReseal reseal;

    public LegacyResealJob(LegacyReseal reseal) {
        this.reseal = reseal;
    }

    void start(@Observes StartupEvent event, Vertx vertx) {
        reseal.startInBackground(vertx, TARGETS);
    }

    /** One full pass now (tests; a second pass finds nothing). */
    public Uni<Integer> runOnce() {
        return reseal.resealAll(TARGETS);
    }
}
