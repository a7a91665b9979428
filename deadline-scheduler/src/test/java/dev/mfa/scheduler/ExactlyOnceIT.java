package dev.mfa.scheduler;

import static dev.mfa.scheduler.Fixtures.onVertx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.scheduler.config.SchedulerConfig;
import dev.mfa.scheduler.repository.DeadlineTriggerRepository;
import dev.mfa.scheduler.service.DeadlineClaimer;
import dev.mfa.scheduler.service.SchedulerMetrics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Several scheduler instances on one database: the test builds claimers as other replicas would have them (own batch
 * size, own clock, already past the deadlines while the application's own clock is not, so that only these replicas
 * compete) and runs them all at once, each on its own Vert.x context and connection. Each deadline reaches the topic
 * exactly once.
 */
@QuarkusTest
class ExactlyOnceIT extends SchedulerCase {

    private static final int ORGS = 300;
    private static final Logger LOG = Logger.getLogger(ExactlyOnceIT.class);

    @Inject
    DeadlineTriggerRepository triggers;

    @Inject
    Outbox outbox;

    @Inject
    EventCodec codec;

    @Inject
    SchedulerConfig config;

    @Inject
    SchedulerMetrics metrics;

    /** Another instance of the claimer, with its own batch size (small batches interleave more) and clock. */
    private DeadlineClaimer replica(int batchSize, Clock replicaClock) {
        SchedulerConfig replicaConfig = new SchedulerConfig() {
            @Override
            public String interval() {
                return config.interval();
            }

            @Override
            public List<Integer> reminderDays() {
                return config.reminderDays();
            }

            @Override
            public int batchSize() {
                return batchSize;
            }
        };
        return new DeadlineClaimer(triggers, outbox, codec, replicaConfig, metrics, replicaClock);
    }

    @Test
    void concurrentInstancesFireEachDeadlineExactlyOnce() throws Exception {
        String prefix = Fixtures.newOrg("replicas") + "-";
        Instant now = clock.instant();
        Instant deadline = now.plus(Duration.ofHours(1));
        try (Connection c = Fixtures.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < ORGS; i++) {
                // Deadlines a few microseconds apart, with a 1-day reminder due in the same catch-up for some.
                Fixtures.insertState(
                        c,
                        prefix + i,
                        1,
                        deadline.plusNanos(i * 1000L),
                        now.minus(Duration.ofDays(2)),
                        i % 10 == 0 ? List.of(1) : List.of());
            }
            c.commit();
        }

        Clock replicaClock = Clock.offset(clock, Duration.ofHours(1).plusSeconds(2));
        List<DeadlineClaimer> replicas = List.of(7, 13, 50, 7, 13, 29).stream()
                .map(batch -> replica(batch, replicaClock))
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(replicas.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        List<Integer> firedPerReplica = new ArrayList<>();
        try {
            for (DeadlineClaimer replica : replicas) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return onVertx(replica::drain);
                }));
            }
            start.countDown();
            for (Future<Integer> run : runs) {
                firedPerReplica.add(run.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        LOG.infof("events fired per replica: %s", firedPerReplica);
        // At least ours (other tests' leftovers due by the replicas' clock may fire too); never one twice, below.
        assertThat(firedPerReplica.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(ORGS);

        List<CloudEvent> events = fx.deadlineEvents().stream()
                .filter(e -> e.subject() != null && e.subject().startsWith(prefix))
                .toList();
        Map<String, Long> perOrg = events.stream()
                .filter(e -> e.type().equals(EventTypes.DEADLINE_REACHED))
                .collect(Collectors.groupingBy(CloudEvent::subject, Collectors.counting()));
        assertThat(perOrg).hasSize(ORGS);
        assertThat(perOrg.values()).containsOnly(1L);
        // The overdue 1-day reminders are stale (their deadline is due in the same catch-up): none fired.
        assertThat(events).extracting(CloudEvent::type).containsOnly(EventTypes.DEADLINE_REACHED);
        assertThat(events.stream().map(CloudEvent::id).distinct().count()).isEqualTo(ORGS);
        assertThat(events.stream().collect(Collectors.toMap(CloudEvent::subject, Function.identity())))
                .allSatisfy((org, e) -> assertThat(e.id())
                        .isEqualTo(Fixtures.reachedId(
                                org, deadline.plusNanos(Long.parseLong(org.substring(prefix.length())) * 1000L))));
        assertThat(Fixtures.count(
                        "select count(*) from deadline_trigger where org_id like ? and outcome = 'FIRED'",
                        prefix + "%"))
                .isEqualTo(ORGS);
        assertThat(Fixtures.count(
                        "select count(*) from deadline_trigger where org_id like ? and outcome = 'SKIPPED'",
                        prefix + "%"))
                .isEqualTo(ORGS / 10);
        assertThat(Fixtures.outboxEventsWithSubject(prefix)).isEqualTo(ORGS);
    }
}
