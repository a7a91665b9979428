package dev.mfa.notification.service;

import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.provider.TokenBucket;
import dev.mfa.notification.repository.QueuedClaim;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The dispatch loop every channel (SMS, e-mail) shares. One pacer thread reserves the next slot of the channel's
 * process-wide {@link TokenBucket}, claims the next due request (one autocommit statement, committed SENDING) and
 * hands it to a bounded pool of sender threads, which render it, wait for the slot, make the blocking provider call
 * and record the answer in its own transaction. Consumers only write rows and {@link #wake()} the pacer, so a slow or
 * failing provider never blocks consumption; a restart simply finds the PENDING rows again.
 *
 * @param <C> the channel's claimed request
 */
public final class DispatchQueue<C extends QueuedClaim> {

    /** What a channel supplies: its send (render, wait for the slot, call, {@link #record}). */
    @FunctionalInterface
    public interface Sender<C> {
        /** On a sender thread. A throw leaves the row SENDING for the sweeper (never resent blindly). */
        void send(C claimed, long slot) throws Throwable;
    }

    /** Claim as soon as the slot is reserved instead of shortly before it. */
    public static final Duration CLAIM_AT_ONCE = Duration.ofNanos(-1);

    private static final Logger LOG = Logger.getLogger(DispatchQueue.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(8);
    private static final Duration RECORD_BACKOFF = Duration.ofMillis(200);
    private static final Duration CLAIM_FAILURE_PAUSE = Duration.ofMillis(500);
    private static final int RECORD_RETRIES = 5;

    private final String label;
    private final String threadPrefix;
    private final TokenBucket bucket;
    private final int concurrency;
    private final Duration pollInterval;
    private final Duration claimLead;
    private final QueueDispatch<?, C> dispatch;
    private final Sender<C> sender;
    private final Semaphore slots;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean wakeRequested;
    private volatile boolean running;
    private Thread pacer;
    private ExecutorService senders;

    /**
     * @param label        how logs name the channel ("SMS", "e-mail")
     * @param threadPrefix names the threads ({@code <prefix>-dispatch-pacer}, {@code <prefix>-sender-N})
     * @param claimLead    how long before its slot a request is claimed, or {@link #CLAIM_AT_ONCE}
     * @param dispatch     the channel's claim and transitions
     */
    public DispatchQueue(
            String label,
            String threadPrefix,
            TokenBucket bucket,
            int concurrency,
            Duration pollInterval,
            Duration claimLead,
            QueueDispatch<?, C> dispatch,
            Sender<C> sender) {
        this.label = label;
        this.threadPrefix = threadPrefix;
        this.bucket = bucket;
        this.concurrency = Math.max(1, concurrency);
        this.pollInterval = pollInterval;
        this.claimLead = claimLead;
        this.dispatch = dispatch;
        this.sender = sender;
        this.slots = new Semaphore(this.concurrency);
    }

    public TokenBucket bucket() {
        return bucket;
    }

    /** Starts the pacer and the senders, unless the channel is disabled by {@code property}. */
    public void startIf(boolean enabled, String property) {
        if (!enabled) {
            LOG.infof("%s dispatcher disabled (%s=false)", label, property);
            return;
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        senders = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, threadPrefix + "-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pacer = new Thread(this::pace, threadPrefix + "-dispatch-pacer");
        pacer.setDaemon(true);
        pacer.start();
    }

    /**
     * Stops claiming; lets claimed requests and calls in flight finish and record their answer (bounded by the
     * shutdown grace). The pacer is not interrupted: a claim it committed is always handed to a sender.
     */
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        wake();
        try {
            pacer.join(SHUTDOWN_GRACE.toMillis());
            senders.shutdown();
            if (!senders.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf(
                        "%s senders still busy at shutdown: their requests stay SENDING until the lease runs out",
                        label);
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
                if (!slots.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                    continue; // every sender busy: look at `running` again
                }
                long slot = bucket.reserveSlot();
                if (!claimLead.isNegative()) {
                    sleepUntil(slot - claimLead.toNanos());
                }
                C claimed;
                try {
                    claimed = dispatch.claimNext().await().indefinitely();
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "%s dispatcher: claiming failed (%s), retrying",
                            label, e.getClass().getSimpleName());
                    bucket.cancelLast();
                    slots.release();
                    idle(CLAIM_FAILURE_PAUSE);
                    continue;
                }
                if (claimed == null) {
                    bucket.cancelLast(); // only the pacer reserves: this was the last reservation, unused
                    slots.release();
                    idle(pollInterval);
                    continue;
                }
                senders.execute(() -> {
                    try {
                        sender.send(claimed, slot);
                    } catch (Throwable e) {
                        // The row stays SENDING; the sweeper resolves it when the lease runs out.
                        LOG.errorf(
                                "%s request %s: could not complete the send (%s)",
                                dispatch.label(),
                                claimed.requestId(),
                                e.getClass().getSimpleName());
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

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Records a provider's answer; it must not be lost to a database blip, the message may already be on its way. */
    public void record(C claimed, ProviderResult result) throws Throwable {
        // Deferred: each retry calls the transactional method again (a new transaction), not a spent Uni.
        await(() -> Uni.createFrom()
                .deferred(() -> dispatch.record(claimed, result))
                .onFailure()
                .retry()
                .withBackOff(RECORD_BACKOFF, RECORD_BACKOFF.multipliedBy(8))
                .atMost(RECORD_RETRIES));
    }

    /** Nothing was sent: a row that cannot be rendered (e.g. keys rotated away) never will be. */
    public void unrenderable(C claimed, Exception e) throws Throwable {
        LOG.errorf(
                "%s request %s cannot be rendered (%s)",
                dispatch.label(), claimed.requestId(), e.getClass().getSimpleName());
        record(claimed, ProviderResult.permanent("internal_error", "none"));
    }

    /** The request expired before its turn came: FAILED without a provider call. */
    public void expire(C claimed) throws Throwable {
        await(() -> dispatch.expireClaimed(claimed));
    }

    private static <T> T await(Supplier<Uni<T>> work) throws Throwable {
        // Hibernate Reactive needs a Vert.x context: run on one and block this (non-event-loop) thread.
        return VertxContextSupport.subscribeAndAwait(work);
    }
}
