package dev.mfa.enrollment.service;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Deletes what has no use any more: expired reauth tokens, old failures, stale enrollment ceremonies. */
@ApplicationScoped
public class Housekeeping {

    private final ReauthService reauth;
    private final EnrollmentService enrollments;

    public Housekeeping(ReauthService reauth, EnrollmentService enrollments) {
        this.reauth = reauth;
        this.enrollments = enrollments;
    }

    @Scheduled(every = "10m", delayed = "1m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return reauth.purge()
                .flatMap(i -> enrollments.purge())
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
