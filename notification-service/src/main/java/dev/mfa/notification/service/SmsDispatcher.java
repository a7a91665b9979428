package dev.mfa.notification.service;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.config.VonageConfig;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.provider.TokenBucket;
import dev.mfa.notification.provider.VonageSender;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Drains the PENDING queue at the provider's rate. One pacer thread reserves the next slot of the process-wide
 * {@link TokenBucket}, claims the next due request shortly before that slot ({@code claim-lead}; one autocommit
 * statement, committed SENDING) and hands it to a bounded pool of sender threads; a sender renders the text, waits for
 * the slot and the bucket's start gate ({@link TokenBucket#startAt}) and only then makes the blocking SDK call, so
 * calls reach the provider on the bucket's schedule whatever the database latency. Until the process's first
 * provider call has returned, calls are made one at a time: that call loads the SDK's and the HTTP client's classes
 * (~0.7 s), and calls started meanwhile would wait inside the SDK and leave together as a burst. The Kafka consumer
 * only writes rows and {@link #wake()}s the pacer, so a slow or failing provider never blocks consumption; a restart
 * simply finds the PENDING rows again.
 */
@ApplicationScoped
public class SmsDispatcher {

    private static final Logger LOG = Logger.getLogger(SmsDispatcher.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(8);
    private static final Duration RECORD_BACKOFF = Duration.ofMillis(200);
    private static final Duration CLAIM_FAILURE_PAUSE = Duration.ofMillis(500);
    private static final int RECORD_RETRIES = 5;

    private final DispatchService dispatch;
    private final VonageSender sender;
    private final SmsTemplates templates;
    private final FieldKeys keys;
    private final NotificationMetrics metrics;
    private final NotificationConfig.Dispatch config;
    private final Clock clock;
    private final TokenBucket bucket;
    private final long leadNanos;
    private final boolean enabled;
    private final Semaphore slots;
    /** Held by the one call in progress until a provider call has returned (the client is loaded then). */
    private final Semaphore coldClient = new Semaphore(1);
    private volatile boolean clientWarm;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean wakeRequested;
    private volatile boolean running;
    private Thread pacer;
    private ExecutorService senders;

    public SmsDispatcher(DispatchService dispatch, VonageSender sender, SmsTemplates templates, FieldKeys keys,
                         NotificationMetrics metrics, NotificationConfig config, VonageConfig vonage, Clock clock,
                         @ConfigProperty(name = "mfa.notification.dispatch.enabled", defaultValue = "true") boolean enabled) {
        this.dispatch = dispatch;
        this.sender = sender;
        this.templates = templates;
        this.keys = keys;
        this.metrics = metrics;
        this.config = config.dispatch();
        this.clock = clock;
        this.enabled = enabled;
        // Every replica gets its share of the account's throughput (docs/notification.md, "Rate limits").
        double headroom = Math.min(0.5, Math.max(0, vonage.headroom()));
        this.bucket = new TokenBucket(vonage.throughput() / Math.max(1, vonage.replicas()) * (1 - headroom),
                vonage.burst());
        this.leadNanos = Math.max(0, this.config.claimLead().toNanos());
        this.slots = new Semaphore(Math.max(1, this.config.concurrency()));
    }

    void start(@Observes StartupEvent ignored) {
        if (!enabled) {
            LOG.info("SMS dispatcher disabled (mfa.notification.dispatch.enabled=false)");
            return;
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        senders = Executors.newFixedThreadPool(Math.max(1, config.concurrency()), r -> {
            Thread t = new Thread(r, "sms-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pacer = new Thread(this::pace, "sms-dispatch-pacer");
        pacer.setDaemon(true);
        pacer.start();
    }

    /**
     * Stops claiming; lets claimed requests and calls in flight finish and record their answer (bounded by the
     * shutdown grace). The pacer is not interrupted: a claim it committed is always handed to a sender.
     */
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
                LOG.warn("SMS senders still busy at shutdown: their requests stay SENDING until the lease runs out");
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
                    continue; // every sender busy: look at `running` again
                }
                long slot = bucket.reserveSlot();
                sleepUntil(slot - leadNanos);
                DispatchService.Claimed claimed;
                try {
                    claimed = dispatch.claimNext().await().indefinitely();
                } catch (RuntimeException e) {
                    LOG.warnf("SMS dispatcher: claiming failed (%s), retrying", e.getClass().getSimpleName());
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

    /** Waits for a wake-up (new work committed) or {@code max}, whichever comes first. */
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

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /**
     * On a sender thread: render, wait for the rate-limiter slot, never after expiry, one provider call, then the
     * answer in its own transaction.
     */
    void send(DispatchService.Claimed claimed, long slot) {
        try {
            Instant now = clock.instant();
            String to;
            String text;
            try {
                to = SmsRequest.openRecipient(keys, claimed.userId(), claimed.requestId(), claimed.recipient());
                String code = SmsRequest.openCode(keys, claimed.userId(), claimed.requestId(), claimed.code());
                text = templates.render(claimed.purpose(), code, Duration.between(now, claimed.expiresAt()));
            } catch (RuntimeException e) {
                // Nothing was sent: a row that cannot be rendered (e.g. keys rotated away) will never be.
                LOG.errorf("sms request %s cannot be rendered (%s)", claimed.requestId(), e.getClass().getSimpleName());
                await(() -> recorded(claimed, ProviderResult.permanent("internal_error", "none")));
                return;
            }
            // The token is used here, right before the call: the provider sees the bucket's spacing exactly. The
            // start gate spaces the calls even when their slots lie in the past (several senders held by one
            // stall); a late wake-up (CPU starvation, GC pause) pushes the following slots and starts.
            sleepUntil(slot);
            ProviderResult result;
            boolean alone = !clientWarm;
            if (alone) {
                coldClient.acquire();
                if (clientWarm) { // the call we waited for loaded the client: go through the gate with the others
                    coldClient.release();
                    alone = false;
                }
            }
            try {
                long start = bucket.startAt(slot);
                sleepUntil(start);
                bucket.usedAt(System.nanoTime(), start, bucket.intervalNanos() / 2);
                now = clock.instant();
                if (!now.isBefore(claimed.expiresAt())) {
                    await(() -> dispatch.expireClaimed(claimed));
                    return;
                }
                if (claimed.attempts() == 1) {
                    metrics.queueLag(Duration.between(claimed.requestedAt(), now));
                }
                long started = System.nanoTime();
                result = sender.send(to, text, claimed.requestId().toString());
                clientWarm = true;
                metrics.providerLatency(result.kind().name().toLowerCase(Locale.ROOT), System.nanoTime() - started);
            } finally {
                if (alone) {
                    coldClient.release();
                }
            }
            if (result.kind() == ProviderResult.Kind.PERMANENT) {
                LOG.warnf("sms request %s refused by the provider: %s (status %s)", claimed.requestId(),
                        result.reason(), result.providerStatus());
            }
            await(() -> recorded(claimed, result));
        } catch (Throwable e) {
            // The row stays SENDING; the sweeper resolves it when the lease runs out (never resent blindly).
            LOG.errorf("sms request %s: could not complete the send (%s)", claimed.requestId(), e.getClass().getSimpleName());
        }
    }

    /** The answer must not be lost to a database blip: the message may already be on its way. */
    private Uni<Void> recorded(DispatchService.Claimed claimed, ProviderResult result) {
        return dispatch.record(claimed, result)
                .onFailure().retry().withBackOff(RECORD_BACKOFF, RECORD_BACKOFF.multipliedBy(8)).atMost(RECORD_RETRIES);
    }

    private static <T> T await(Supplier<Uni<T>> work) throws Throwable {
        // Hibernate Reactive needs a Vert.x context: run on one and block this (non-event-loop) thread.
        return VertxContextSupport.subscribeAndAwait(work);
    }
}
