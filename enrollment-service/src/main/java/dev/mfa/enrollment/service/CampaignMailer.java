package dev.mfa.enrollment.service;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.enrollment.config.PolicyConfig;
import dev.mfa.enrollment.domain.Campaigns;
import dev.mfa.enrollment.domain.Campaigns.Campaign;
import dev.mfa.enrollment.repository.CampaignRepository;
import dev.mfa.enrollment.repository.CampaignRepository.Recipient;
import dev.mfa.enrollment.repository.OrgPolicyRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The deadline e-mails of an org (CONTRACT §5 {@code mfa.email.requested}, rendered by notification-service): a
 * campaign is opened in the deadline event's transaction, then fanned out one key range per transaction, each a
 * set-based claim of the range's users without an active factor plus their requests written to the outbox as
 * batched rows. The address is encrypted here (the one per-user step outside SQL: {@link FieldKeys} has no SQL
 * twin). A claimed user is never claimed again, so a fan-out run twice (crash, redelivery, a second replica) asks
 * for nothing new; one cut short is finished by {@link #resume()}.
 */
@ApplicationScoped
public class CampaignMailer {

    private static final Logger LOG = Logger.getLogger(CampaignMailer.class);
    /** Sorts before every user id. */
    private static final String START = "";

    /** Runs work in a transaction of its own ({@code Panache.withTransaction}; unit tests pass a plain call). */
    @FunctionalInterface
    public interface Transactions {
        <T> Uni<T> run(Supplier<Uni<T>> work);
    }

    /** What a fan-out did: e-mails requested, and the time spent encrypting their addresses. */
    public record Result(int requested, long encryptNanos) {}

    private final CampaignRepository repository;
    private final Outbox outbox;
    private final EventCodec codec;
    private final FieldKeys keys;
    private final PolicyConfig config;
    private final Clock clock;
    private final Transactions transactions;
    /** The org's policy; field-injected to keep the constructors as they are. */
    @Inject
    OrgPolicyRepository policies;

    @Inject
    public CampaignMailer(
            CampaignRepository repository,
            Outbox outbox,
            EventCodec codec,
            FieldKeys keys,
            PolicyConfig config,
            Clock clock) {
        this(repository, outbox, codec, keys, config, clock, Panache::withTransaction);
    }

    CampaignMailer(
            CampaignRepository repository,
            Outbox outbox,
            EventCodec codec,
            FieldKeys keys,
            PolicyConfig config,
            Clock clock,
            Transactions transactions) {
        this.repository = repository;
        this.outbox = outbox;
        this.codec = codec;
        this.keys = keys;
        this.config = config;
        this.clock = clock;
        this.transactions = transactions;
    }

    /**
     * Inside the deadline event's transaction: opens the reminder campaign of {@code event} when the org's policy
     * still announces that deadline; null when it does not, or when the campaign was opened before.
     */
    public Uni<Campaign> openReminder(Events.DeadlineApproaching event) {
        return policies.findById(event.orgId())
                .flatMap(policy -> open(Campaigns.reminder(policy, event).orElse(null)));
    }

    /** Inside the transaction that enforced the deadline: opens its "MFA is now required" campaign (or null). */
    public Uni<Campaign> openRequired(Events.DeadlineReached event) {
        return open(Campaigns.required(event));
    }

    Uni<Campaign> open(Campaign campaign) {
        if (campaign == null) {
            return Uni.createFrom().nullItem();
        }
        return repository.open(campaign, clock.instant()).map(opened -> opened ? campaign : null);
    }

    /** Runs outside any transaction: e-mails every user of the campaign who needs it and was not e-mailed yet. */
    public Uni<Result> fanOut(Campaign campaign) {
        AtomicInteger requested = new AtomicInteger();
        AtomicLong encryptNanos = new AtomicLong();
        long started = System.nanoTime();
        return rangesFrom(campaign, START, requested, encryptNanos)
                .flatMap(ignored -> transactions.run(() -> repository.markDone(campaign.campaignId(), clock.instant())))
                .map(ignored -> {
                    LOG.infof(
                            "org %s: %d %s e-mail request(s) (deadline %s, %d day(s) left) in %d ms, "
                                    + "of which encrypting addresses %d ms",
                            campaign.orgId(),
                            requested.get(),
                            campaign.template(),
                            campaign.deadline(),
                            campaign.daysLeft(),
                            (System.nanoTime() - started) / 1_000_000,
                            encryptNanos.get() / 1_000_000);
                    return new Result(requested.get(), encryptNanos.get());
                });
    }

    private Uni<Void> rangesFrom(Campaign campaign, String after, AtomicInteger requested, AtomicLong encryptNanos) {
        return transactions
                .run(() -> repository
                        .rangeEnd(campaign.orgId(), after, config.switchBatchSize())
                        .flatMap(end -> repository
                                .claim(campaign, after, end)
                                .flatMap(recipients -> publish(campaign, recipients, encryptNanos))
                                .map(count -> {
                                    requested.addAndGet(count);
                                    return end == null ? START : end;
                                })))
                .flatMap(end -> end.equals(START)
                        ? Uni.createFrom().voidItem()
                        : rangesFrom(campaign, end, requested, encryptNanos));
    }

    private Uni<Integer> publish(Campaign campaign, List<Recipient> recipients, AtomicLong encryptNanos) {
        if (recipients.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return offEventLoop(() -> events(campaign, recipients, encryptNanos))
                .flatMap(events -> outbox.publishAll(Topics.EMAIL_REQUESTS, events));
    }

    /**
     * Encrypting and encoding a range (5000 users: tens of ms, seconds on a loaded machine) runs on a worker thread,
     * so the event loop keeps relaying; the result comes back on the transaction's context (its session is bound to
     * that event-loop thread). Without a Vert.x context (unit tests) it runs in place.
     */
    private static <T> Uni<T> offEventLoop(java.util.concurrent.Callable<T> work) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().item(() -> {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return Uni.createFrom()
                .completionStage(() -> context.executeBlocking(work, false).toCompletionStage());
    }

    private List<CloudEvent> events(Campaign campaign, List<Recipient> recipients, AtomicLong encryptNanos) {
        Instant now = clock.instant();
        Map<String, String> params = campaign.params();
        List<CloudEvent> events = new ArrayList<>(recipients.size());
        for (Recipient r : recipients) {
            long t = System.nanoTime();
            String to = keys.seal(SealedField.EMAIL, r.userId(), r.email());
            encryptNanos.addAndGet(System.nanoTime() - t);
            events.add(codec.wrap(
                    outbox.source(),
                    new Events.EmailRequested(
                            campaign.requestId(r.userId()), r.userId(), campaign.template(), to, params),
                    now));
        }
        return events;
    }

    /** Finishes fan-outs a crash cut short (a campaign opened, not all its users claimed). */
    @Scheduled(
            every = "${mfa.policy.resync-every:15s}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> resume() {
        return transactions
                .run(() -> repository.unfinished(clock.instant().minus(config.resyncAfter())))
                .flatMap((List<Campaign> stale) -> Multi.createFrom()
                        .iterable(stale)
                        .onItem()
                        .transformToUniAndConcatenate(this::fanOut)
                        .collect()
                        .asList())
                .onFailure()
                .invoke(e -> LOG.warnf(
                        "e-mail campaign resume failed, will retry: %s",
                        e.getClass().getSimpleName()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
