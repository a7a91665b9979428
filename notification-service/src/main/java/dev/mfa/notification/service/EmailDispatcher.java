package dev.mfa.notification.service;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.domain.EmailTemplate;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.provider.SmtpSender;
import dev.mfa.notification.provider.TokenBucket;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Drains the PENDING e-mail queue at the configured rate, like the SMS dispatcher: one pacer thread reserves the next
 * slot of the process-wide {@link TokenBucket} ({@code throughput / replicas} per second), claims the next due request
 * (committed SENDING) and hands it to a bounded pool of sender threads, which render it, wait for the slot and make
 * the blocking SMTP call, then record the answer in its own transaction. The Kafka consumer only writes rows and
 * {@link #wake()}s the pacer, so an SMTP outage never blocks consumption: requests wait PENDING and are retried with
 * backoff, and a restart finds them again.
 */
@ApplicationScoped
public class EmailDispatcher {

    private static final Logger LOG = Logger.getLogger(EmailDispatcher.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(8);
    private static final Duration RECORD_BACKOFF = Duration.ofMillis(200);
    private static final Duration CLAIM_FAILURE_PAUSE = Duration.ofMillis(500);
    private static final int RECORD_RETRIES = 5;
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {
    };

    private final EmailDispatchService dispatch;
    private final SmtpSender sender;
    private final EmailRenderer renderer;
    private final FieldKeys keys;
    private final EmailConfig config;
    private final Clock clock;
    private final TokenBucket bucket;
    private final Semaphore slots;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean wakeRequested;
    private volatile boolean running;
    private Thread pacer;
    private ExecutorService senders;

    public EmailDispatcher(EmailDispatchService dispatch, SmtpSender sender, EmailRenderer renderer,
                           FieldKeys keys, EmailConfig config, Clock clock) {
        this.dispatch = dispatch;
        this.sender = sender;
        this.renderer = renderer;
        this.keys = keys;
        this.config = config;
        this.clock = clock;
        this.bucket = new TokenBucket(config.throughput() / Math.max(1, config.replicas()), 1);
        this.slots = new Semaphore(Math.max(1, config.concurrency()));
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.enabled()) {
            LOG.info("e-mail dispatcher disabled (mfa.notification.email.enabled=false)");
            return;
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        senders = Executors.newFixedThreadPool(Math.max(1, config.concurrency()), r -> {
            Thread t = new Thread(r, "email-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pacer = new Thread(this::pace, "email-dispatch-pacer");
        pacer.setDaemon(true);
        pacer.start();
    }

    /** Stops claiming; lets sends in flight finish and record their answer (bounded by the grace). */
    void stop(@Observes ShutdownEvent ignored) {
        if (!running) {
            return;
        }
        running = false;
        wake();
        try {
            pacer.join(SHUTDOWN_GRACE.toMillis());
            senders.shutdown();
            if (!senders.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("e-mail senders still busy at shutdown: their requests stay SENDING until the lease runs out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** New work was committed: claim it now instead of at the next poll. */
    public void wake() {
        lock.lock();
        try {
            wakeRequested = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pace() {
        while (running) {
            try {
                if (!slots.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long slot = bucket.reserveSlot();
                EmailDispatchService.Claimed claimed;
                try {
                    claimed = dispatch.claimNext().await().indefinitely();
                } catch (RuntimeException e) {
                    LOG.warnf("e-mail dispatcher: claiming failed (%s), retrying", e.getClass().getSimpleName());
                    bucket.cancelLast();
                    slots.release();
                    idle(CLAIM_FAILURE_PAUSE);
                    continue;
                }
                if (claimed == null) {
                    bucket.cancelLast(); // only the pacer reserves: this was the last reservation, unused
                    slots.release();
                    idle(config.pollInterval());
                    continue;
                }
                senders.execute(() -> {
                    try {
                        send(claimed, slot);
                    } finally {
                        slots.release();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void idle(Duration max) throws InterruptedException {
        lock.lock();
        try {
            if (!wakeRequested && running) {
                woken.await(max.toMillis(), TimeUnit.MILLISECONDS);
            }
            wakeRequested = false;
        } finally {
            lock.unlock();
        }
    }

    /** On a sender thread: render, wait for the rate-limiter slot, one SMTP call, then the answer. */
    void send(EmailDispatchService.Claimed claimed, long slot) {
        try {
            String to;
            EmailRenderer.Rendered rendered;
            try {
                to = EmailRequest.openRecipient(keys, claimed.userId(), claimed.requestId(), claimed.recipient());
                EmailTemplate template = EmailRules.template(claimed.template());
                rendered = renderer.render(template, EmailIntake.JSON.readValue(claimed.params(), PARAMS));
            } catch (Exception e) {
                // Nothing was sent: a row that cannot be rendered (e.g. keys rotated away) never will be.
                LOG.errorf("email request %s cannot be rendered (%s)", claimed.requestId(),
                        e.getClass().getSimpleName());
                await(() -> recorded(claimed, ProviderResult.permanent("internal_error", "none")));
                return;
            }
            long wait = slot - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (!clock.instant().isBefore(claimed.expiresAt())) {
                await(() -> dispatch.expireClaimed(claimed));
                return;
            }
            ProviderResult result = sender.send(to, rendered, claimed.requestId());
            await(() -> recorded(claimed, result));
        } catch (Throwable e) {
            // The row stays SENDING; the sweeper resolves it when the lease runs out (never resent blindly).
            LOG.errorf("email request %s: could not complete the send (%s)", claimed.requestId(),
                    e.getClass().getSimpleName());
        }
    }

    /** The answer must not be lost to a database blip: the mail may already be on its way. */
    private Uni<Void> recorded(EmailDispatchService.Claimed claimed, ProviderResult result) {
        return dispatch.record(claimed, result)
                .onFailure().retry().withBackOff(RECORD_BACKOFF, RECORD_BACKOFF.multipliedBy(8)).atMost(RECORD_RETRIES);
    }

    private static <T> T await(Supplier<Uni<T>> work) throws Throwable {
        // Hibernate Reactive needs a Vert.x context: run on one and block this (non-event-loop) thread.
        return VertxContextSupport.subscribeAndAwait(work);
    }
}
