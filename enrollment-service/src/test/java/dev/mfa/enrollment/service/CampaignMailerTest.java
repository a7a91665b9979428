package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.crypto.FieldCipher;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.KeyPurpose;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.outbox.OutboxConfig;
import dev.mfa.enrollment.config.PolicyConfig;
import dev.mfa.enrollment.domain.Campaigns;
import dev.mfa.enrollment.domain.Campaigns.Campaign;
import dev.mfa.enrollment.repository.CampaignRepository;
import dev.mfa.enrollment.repository.CampaignRepository.Recipient;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fan-out against an in-memory roster standing in for the database: only users without a factor are e-mailed,
 * range after range, each once per campaign however often the fan-out runs, with the address encrypted.
 */
class CampaignMailerTest {

    private static final FieldKeys KEYS = new FieldKeys(
            Map.of(KeyPurpose.EMAIL, FieldCipher.fromSpec(FieldCipher.generateKeySpec("email-1"), "email-1")), null);
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final Instant DEADLINE = Instant.parse("2026-12-18T10:00:00Z");
    private static final EventCodec CODEC = new EventCodec();

    /** user id → enrolled; addresses are {@code <id>@example.test}. */
    private final TreeMap<String, Boolean> roster = new TreeMap<>();

    private final FakeRepository repository = new FakeRepository();
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final List<String> transactions = new ArrayList<>();
    private CampaignMailer mailer;

    @BeforeEach
    void setUp() {
        for (int i = 1; i <= 10; i++) {
            roster.put(String.format("u%02d", i), i % 3 == 0); // u03, u06, u09 enrolled
        }
        CampaignMailer.Transactions tx = new CampaignMailer.Transactions() {
            @Override
            public <T> Uni<T> run(Supplier<Uni<T>> work) {
                transactions.add("tx");
                return work.get();
            }
        };
        mailer = new CampaignMailer(repository, outbox, CODEC, KEYS, config(3), Clock.fixed(NOW, ZoneOffset.UTC), tx);
    }

    private Campaign reminder() {
        return Campaigns.of("org-a", EmailTemplates.DEADLINE_APPROACHING, DEADLINE, 14);
    }

    @Test
    void onlyUsersWithoutAFactorAreEmailedOneRangeAtATime() {
        Campaign campaign = reminder();
        CampaignMailer.Result result = mailer.fanOut(campaign).await().indefinitely();

        assertThat(result.requested()).isEqualTo(7);
        List<Events.EmailRequested> sent = outbox.requests();
        assertThat(sent)
                .extracting(Events.EmailRequested::userId)
                .containsExactly("u01", "u02", "u04", "u05", "u07", "u08", "u10");
        for (Events.EmailRequested r : sent) {
            assertThat(r.template()).isEqualTo(EmailTemplates.DEADLINE_APPROACHING);
            assertThat(r.requestId()).isEqualTo(campaign.requestId(r.userId()));
            assertThat(r.params()).containsEntry("deadline", "2026-12-18").containsEntry("daysLeft", "14");
            assertThat(r.to()).startsWith("v1:email-1:").doesNotContain("@");
            assertThat(KEYS.open(SealedField.EMAIL, r.userId(), r.to())).isEqualTo(r.userId() + "@example.test");
        }
        // 10 users in ranges of 3: four range transactions (one per publishAll that had someone), then markDone.
        assertThat(repository.claimCalls).isEqualTo(4);
        assertThat(outbox.calls)
                .hasSize(4)
                .allSatisfy(topic -> assertThat(topic).isEqualTo(Topics.EMAIL_REQUESTS));
        assertThat(transactions).hasSize(5);
        assertThat(repository.done).containsExactly(campaign.campaignId());
    }

    @Test
    void aSecondFanOutOfTheSameCampaignAsksForNothingNew() {
        Campaign campaign = reminder();
        mailer.fanOut(campaign).await().indefinitely();
        int before = outbox.requests().size();

        CampaignMailer.Result again = mailer.fanOut(campaign).await().indefinitely();

        assertThat(again.requested()).isZero();
        assertThat(outbox.requests()).hasSize(before);
    }

    @Test
    void anotherOccasionEmailsTheUsersAgainUnderOtherRequestIds() {
        mailer.fanOut(reminder()).await().indefinitely();
        Campaign sevenDays = Campaigns.of("org-a", EmailTemplates.DEADLINE_APPROACHING, DEADLINE, 7);
        roster.put("u01", true); // enrolled in between: no 7-day reminder

        mailer.fanOut(sevenDays).await().indefinitely();

        List<Events.EmailRequested> second =
                outbox.requests().subList(7, outbox.requests().size());
        assertThat(second)
                .extracting(Events.EmailRequested::userId)
                .containsExactly("u02", "u04", "u05", "u07", "u08", "u10");
        assertThat(second).allSatisfy(r -> assertThat(r.params()).containsEntry("daysLeft", "7"));
        assertThat(second.get(0).requestId()).isNotEqualTo(reminder().requestId("u02"));
    }

    @Test
    void aCampaignIsOpenedOnceThenNeverAgain() {
        Campaign campaign = reminder();
        assertThat(mailer.open(campaign).await().indefinitely()).isEqualTo(campaign);
        assertThat(mailer.open(campaign).await().indefinitely()).isNull();
        assertThat(mailer.open(null).await().indefinitely()).isNull();
    }

    @Test
    void anEventWhosePolicyNoLongerHoldsOpensNothing() {
        assertThat(mailer.open(Campaigns.reminder(null, new Events.DeadlineApproaching("org-a", DEADLINE, 14))
                                .orElse(null))
                        .await()
                        .indefinitely())
                .isNull();
        assertThat(repository.opened).isEmpty();
    }

    @Test
    void anOrgWithEveryoneEnrolledGetsNothing() {
        roster.replaceAll((id, enrolled) -> true);
        assertThat(mailer.fanOut(reminder()).await().indefinitely().requested()).isZero();
        assertThat(outbox.calls).isEmpty();
    }

    @Test
    void aFanOutCutShortIsFinishedByTheResumeWithoutMailingAnyoneTwice() {
        Campaign campaign = reminder();
        // The first run claimed u01 and u02 (and wrote their requests) before the crash.
        repository.claims.add(campaign.campaignId() + "|u01");
        repository.claims.add(campaign.campaignId() + "|u02");
        repository.stale.add(campaign);

        mailer.resume().await().indefinitely();

        assertThat(outbox.requests())
                .extracting(Events.EmailRequested::userId)
                .containsExactly("u04", "u05", "u07", "u08", "u10");
        assertThat(repository.done).containsExactly(campaign.campaignId());
        assertThat(repository.staleBefore).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
    }

    @Test
    void aResumeThatFailsIsRetriedAtTheNextRunNotThrown() {
        repository.failUnfinished = true;
        mailer.resume().await().indefinitely();
        assertThat(outbox.calls).isEmpty();
    }

    private static PolicyConfig config(int batch) {
        return new PolicyConfig() {
            @Override
            public Duration deadlineGrace() {
                return Duration.ofMinutes(2);
            }

            @Override
            public Duration maxDeadlineAhead() {
                return Duration.ofDays(1826);
            }

            @Override
            public int switchBatchSize() {
                return batch;
            }

            @Override
            public Duration resyncAfter() {
                return Duration.ofMinutes(5);
            }
        };
    }

    /** The SQL's rules in memory: a range of the roster, users without a factor, each claimed once per campaign. */
    private final class FakeRepository extends CampaignRepository {
        final Set<UUID> opened = new HashSet<>();
        final Set<String> claims = new HashSet<>();
        final List<UUID> done = new ArrayList<>();
        /** Campaigns opened and not finished, as {@link #unfinished} finds them. */
        final List<Campaign> stale = new ArrayList<>();

        Instant staleBefore;
        boolean failUnfinished;
        int claimCalls;

        FakeRepository() {
            super(null);
        }

        @Override
        public Uni<Boolean> open(Campaign campaign, Instant now) {
            return Uni.createFrom().item(opened.add(campaign.campaignId()));
        }

        @Override
        public Uni<String> rangeEnd(String orgId, String after, int size) {
            List<String> rest = new ArrayList<>(roster.tailMap(after, false).keySet());
            return Uni.createFrom().item(rest.size() < size ? null : rest.get(size - 1));
        }

        @Override
        public Uni<List<Recipient>> claim(Campaign campaign, String after, String upTo) {
            claimCalls++;
            var range = upTo == null ? roster.tailMap(after, false) : roster.subMap(after, false, upTo, true);
            List<Recipient> claimed = range.entrySet().stream()
                    .filter(e -> !e.getValue())
                    .filter(e -> claims.add(campaign.campaignId() + "|" + e.getKey()))
                    .map(e -> new Recipient(e.getKey(), e.getKey() + "@example.test"))
                    .toList();
            return Uni.createFrom().item(claimed);
        }

        @Override
        public Uni<List<Campaign>> unfinished(Instant before) {
            staleBefore = before;
            return failUnfinished
                    ? Uni.createFrom().failure(new IllegalStateException("database away"))
                    : Uni.createFrom().item(List.copyOf(stale));
        }

        @Override
        public Uni<Integer> markDone(UUID campaignId, Instant now) {
            done.add(campaignId);
            return Uni.createFrom().item(1);
        }
    }

    private static final class RecordingOutbox extends Outbox {
        final List<String> calls = new ArrayList<>();
        final List<CloudEvent> events = new ArrayList<>();

        RecordingOutbox() {
            super(CODEC, OutboxConfig.withSource("/enrollment-service"), Clock.fixed(NOW, ZoneOffset.UTC));
        }

        @Override
        public Uni<Integer> publishAll(String topic, List<CloudEvent> batch) {
            calls.add(topic);
            events.addAll(batch);
            return Uni.createFrom().item(batch.size());
        }

        List<Events.EmailRequested> requests() {
            return events.stream()
                    .map(e -> CODEC.data(CODEC.decode(CODEC.encode(e)), Events.EmailRequested.class))
                    .toList();
        }
    }
}
