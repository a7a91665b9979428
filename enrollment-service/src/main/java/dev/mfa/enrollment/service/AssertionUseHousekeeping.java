package dev.mfa.enrollment.service;

import dev.mfa.enrollment.repository.AssertionUseRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Forgets the spent assertions that have expired: they are refused by their {@code exp} from then on. */
@ApplicationScoped
public class AssertionUseHousekeeping {

    private final AssertionUseRepository uses;
    private final Clock clock;

    public AssertionUseHousekeeping(AssertionUseRepository uses, Clock clock) {
        this.uses = uses;
        this.clock = clock;
    }

    @Scheduled(every = "10m", delayed = "2m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return purgeExpired().onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The rows of assertions expired by now; the count deleted. */
    public Uni<Integer> purgeExpired() {
        return Panache.withTransaction(() -> uses.purge(clock.instant()));
    }
}
