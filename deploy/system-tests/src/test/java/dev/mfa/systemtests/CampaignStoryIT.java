package dev.mfa.systemtests;

import static dev.mfa.systemtests.support.Platform.ENROLLMENT_API;
import static dev.mfa.systemtests.support.TestUser.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.Topics;
import dev.mfa.systemtests.support.EventLog;
import dev.mfa.systemtests.support.Http;
import dev.mfa.systemtests.support.Idle;
import dev.mfa.systemtests.support.Mails;
import dev.mfa.systemtests.support.Phones;
import dev.mfa.systemtests.support.Secrets;
import dev.mfa.systemtests.support.Stub;
import dev.mfa.systemtests.support.SystemTest;
import dev.mfa.systemtests.support.TestUser;
import dev.mfa.systemtests.support.Users;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The enforcement campaign of issue 18 as an org admin and the org's users meet it, on the local stack: the impact
 * preview, a deadline 14 days ahead and its reminder e-mail in the mail server, the "factor added" notice, an
 * exemption that outlasts the deadline, and the audit trail of it all. Every e-mail is traced to its request (the
 * {@code Message-ID}) and counted per user once the platform is idle: each user gets each e-mail at most once.
 *
 * <p>Time is real: the 14-day reminder fires because the deadline is 14 days and a few seconds ahead, and the
 * deadline itself is later moved to a few seconds ahead (an earlier deadline raises protection: no step-up needed).
 */
@SystemTest
@Order(1)
@DisplayName("Enforcement campaign story")
class CampaignStoryIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final long started = System.nanoTime();

    @Test
    @DisplayName("Preview, 14-day reminder to exactly the unenrolled, factor-added notice, exemption past the deadline,"
            + " audit trail")
    void campaign() {
        String org = Users.newOrg("campaign");
        String admin = TestUser.adminToken(org);
        String adminId = "admin-" + org;
        TestUser early = Users.create(org, "cs-early");
        TestUser payee = Users.createPayee(org, "cs-payee");
        TestUser enroller = Users.create(org, "cs-enroller");
        TestUser exempt = Users.create(org, "cs-exempt");
        TestUser late = Users.create(org, "cs-late");
        List<TestUser> everyone = List.of(early, payee, enroller, exempt, late);
        early.enrollTotp(null);
        payee.enrollTotp(null);
        step("org " + org + ": 5 users on the roster, 2 of them enrolled (one a Pay payee)");

        // 1. The admin previews a deadline 14 days (and a few seconds) ahead: counts, and nothing is changed or
        // audited.
        Instant deadline14 =
                Instant.now().plus(14, ChronoUnit.DAYS).plusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body14 = policyBody(deadline14);
        JsonNode auditBefore = audit(org, admin);
        String policyBefore = policy(org, admin);
        Http.Reply preview = Http.post(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy/preview")
                .bearer(admin)
                .json(body14)
                .send();
        expect(preview, 200);
        JsonNode p = preview.json();
        assertThat(p.path("state").asText()).isEqualTo("EARLY_ENROLLMENT");
        assertThat(p.path("requiredNow").asLong()).as("requiredNow: the payee").isEqualTo(1);
        assertThat(p.path("requiredAtDeadline").asLong()).isEqualTo(5);
        assertThat(p.path("withoutFactor").asLong()).isEqualTo(3);
        assertThat(p.path("payees").asLong()).isEqualTo(1);
        assertThat(p.path("exempt").asLong()).isZero();
        assertThat(texts(p.path("withoutFactorSample")))
                .containsExactlyElementsOf(sorted(enroller.userId(), exempt.userId(), late.userId()));
        assertThat(audit(org, admin).path("total").asLong())
                .as("audit rows after the preview")
                .isEqualTo(auditBefore.path("total").asLong());
        assertThat(policy(org, admin)).as("policy after the preview").isEqualTo(policyBefore);
        assertThat(EventLog.topic(Topics.ORG_POLICIES).events(e -> org.equals(e.key())))
                .as("policy events after the preview")
                .isEmpty();
        step("preview: EARLY_ENROLLMENT, requiredNow 1, requiredAtDeadline 5, withoutFactor 3, payees 1, not audited");

        // 2. The admin sets the deadline; the scheduler's 14-day reminder reaches exactly the three unenrolled users.
        Http.Reply set14 = Http.put(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                .bearer(admin)
                .json(body14)
                .send();
        expect(set14, 200);
        assertThat(set14.json().path("state").asText()).isEqualTo("EARLY_ENROLLMENT");
        step("policy set: deadline " + deadline14 + " (the 14-day reminder is due in ~20 s)");
        List<String> unenrolled = List.of(enroller.email(), exempt.email(), late.email());
        List<JsonNode> reminders = Mails.await(
                "the 14-day reminder to the three unenrolled users",
                m -> unenrolled.contains(m.path("to").asText()),
                3,
                WAIT);
        String day = DAY.format(deadline14);
        for (JsonNode m : reminders) {
            assertThat(m.path("subject").asText())
                    .isEqualTo("MFA Platform: Set up two-step verification before " + day);
            assertThat(m.path("text").asText()).contains(day, "14 days from now", "http://localhost:8080/");
        }
        step("14-day reminder in the mail server for " + reminders.size() + " users");
        Idle.await();
        // The enrolled users were told only of the factor they added, before the policy.
        assertThat(Mails.templatesTo(early))
                .as("mails to an enrolled user")
                .containsExactly(EmailTemplates.FACTOR_ADDED);
        assertThat(Mails.templatesTo(payee))
                .as("mails to an enrolled payee")
                .containsExactly(EmailTemplates.FACTOR_ADDED);

        // 3. One user enrolls (SMS) and is told a sign-in method was added.
        Phones.Phone phone = Phones.next("US");
        Http.Reply start = enroller.startSmsReply(enroller.reauth(), null, "US", phone.e164());
        expect(start, 201);
        enroller.confirm(
                start.json().path("enrollmentId").asText(), Stub.awaitCode(phone.e164(), 1, Stub.defaultWait()));
        JsonNode added = Mails.await(
                        "the factor-added notice",
                        m -> enroller.email().equals(m.path("to").asText())
                                && m.path("subject").asText().contains("sign-in method was added"),
                        1,
                        WAIT)
                .get(0);
        assertThat(added.path("text").asText()).contains("text message (SMS)");
        step("enroller confirmed SMS; factor-added notice received");

        // 4. Another user is exempted beyond the deadline the admin is about to set; the exemption-ending notice.
        Instant exemptUntil = Instant.now().plusSeconds(90).truncatedTo(ChronoUnit.SECONDS);
        Http.Reply granted = Http.put(ENROLLMENT_API + "/orgs/" + org + "/users/" + exempt.userId() + "/mfa-exemption")
                .bearer(admin)
                .json(Map.of("until", exemptUntil.toString(), "reason", "On leave until next week"))
                .send();
        expect(granted, 200);
        assertThat(granted.json().path("userId").asText()).isEqualTo(exempt.userId());
        assertThat(Instant.parse(granted.json().path("until").asText())).isEqualTo(exemptUntil);
        assertThat(granted.json().path("grantedBy").asText()).isEqualTo(adminId);
        assertThat(Instant.parse(exempt.mfa().path("exemptUntil").asText())).isEqualTo(exemptUntil);
        Mails.await(
                "the exemption-ending notice",
                m -> exempt.email().equals(m.path("to").asText())
                        && m.path("subject").asText().contains("exemption from two-step verification ends"),
                1,
                WAIT);
        step("exemption granted until " + exemptUntil + "; exemption-ending notice received");

        // 5. The admin moves the deadline to a few seconds ahead (preview first: the exempt user is not required).
        Instant deadlineSoon = Instant.now().plusSeconds(15).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> bodySoon = policyBody(deadlineSoon);
        Http.Reply preview2 = Http.post(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy/preview")
                .bearer(admin)
                .json(bodySoon)
                .send();
        expect(preview2, 200);
        assertThat(preview2.json().path("exempt").asLong()).isEqualTo(1);
        assertThat(preview2.json().path("requiredAtDeadline").asLong()).isEqualTo(4);
        assertThat(preview2.json().path("withoutFactor").asLong()).isEqualTo(1);
        assertThat(texts(preview2.json().path("withoutFactorSample"))).containsExactly(late.userId());
        expect(
                Http.put(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                        .bearer(admin)
                        .json(bodySoon)
                        .send(),
                200);
        step("deadline moved to " + deadlineSoon);

        // 6. The deadline passes: the unenrolled user is required (and told), the exempt one stays OPTIONAL.
        late.awaitRequirement("REQUIRED");
        Awaitility.await("policy ENFORCED")
                .atMost(WAIT)
                .until(() -> policy(org, admin).contains("\"ENFORCED\""));
        Mails.await(
                "the MFA-now-required e-mail",
                m -> late.email().equals(m.path("to").asText())
                        && m.path("subject").asText().contains("now required"),
                1,
                WAIT);
        step("deadline reached: late user REQUIRED and told, policy ENFORCED");
        JsonNode stillExempt = exempt.mfa();
        assertThat(Instant.now())
                .as("the switch was seen before the exemption ended (else this step proves nothing)")
                .isBefore(exemptUntil);
        assertThat(stillExempt.path("requirement").asText()).isEqualTo("OPTIONAL");
        assertThat(enroller.mfa().path("requirement").asText()).isEqualTo("REQUIRED");
        step("exempt user still OPTIONAL past the deadline");

        // 7. The exemption ends: the user switches to REQUIRED then, not before, exactly once.
        AtomicReference<Instant> switchedAt = new AtomicReference<>();
        Awaitility.await(exempt.userId() + " REQUIRED when the exemption ends")
                .atMost(Duration.between(Instant.now(), exemptUntil).plus(WAIT))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    JsonNode s = exempt.mfa();
                    if ("REQUIRED".equals(s.path("requirement").asText())) {
                        switchedAt.set(Instant.now());
                        assertThat(s.path("exemptUntil").isNull()).isTrue();
                        return true;
                    }
                    return false;
                });
        assertThat(switchedAt.get()).isAfterOrEqualTo(exemptUntil);
        step("exemption ended: exempt user REQUIRED "
                + Duration.between(exemptUntil, switchedAt.get()).toMillis() + " ms after its end");

        // Once nothing is left to do: the requirement events and the e-mails, each exactly once.
        Idle.await();
        List<EventLog.Event> toRequired = EventLog.topic(Topics.USER_REQUIREMENTS)
                .events(e ->
                        exempt.userId().equals(e.dataText("userId")) && "REQUIRED".equals(e.dataText("requirement")));
        assertThat(toRequired.stream().map(EventLog.Event::id).distinct().count())
                .as("REQUIRED events of the exempt user")
                .isEqualTo(1);
        assertThat(toRequired.get(0).dataText("reason")).isEqualTo("exemption-expired");
        Map<String, List<String>> mails = new LinkedHashMap<>();
        for (TestUser u : everyone) {
            mails.put(u.userId(), sorted(Mails.templatesTo(u).toArray(String[]::new)));
        }
        assertThat(mails)
                .as("e-mail templates per user")
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        early.userId(), List.of(EmailTemplates.FACTOR_ADDED),
                        payee.userId(), List.of(EmailTemplates.FACTOR_ADDED),
                        enroller.userId(), sorted(EmailTemplates.DEADLINE_APPROACHING, EmailTemplates.FACTOR_ADDED),
                        exempt.userId(), sorted(EmailTemplates.DEADLINE_APPROACHING, EmailTemplates.EXEMPTION_ENDING),
                        late.userId(), sorted(EmailTemplates.DEADLINE_APPROACHING, EmailTemplates.MFA_REQUIRED)));
        for (TestUser u : everyone) {
            for (JsonNode m : Mails.to(u.email())) {
                assertThat(Secrets.leaks(m.toString())).as("secrets in a mail").isEmpty();
            }
        }
        step("mails per user counted: " + mails.values());

        // 8. The audit trail: every step with its actor, newest first, no secret, phone number or address.
        JsonNode trail = audit(org, admin);
        List<String> rows = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        trail.path("items").forEach(i -> {
            rows.add(i.path("type").asText() + " by " + i.path("actorId").asText("system") + " on "
                    + i.path("userId").asText("-"));
            times.add(Instant.parse(i.path("at").asText()));
        });
        assertThat(rows)
                .containsExactly(
                        "exemption-expired by system on " + exempt.userId(),
                        "policy-changed by system on -",
                        "policy-changed by " + adminId + " on -",
                        "exemption-granted by " + adminId + " on " + exempt.userId(),
                        "factor-enrolled by " + enroller.userId() + " on " + enroller.userId(),
                        "policy-changed by " + adminId + " on -",
                        "factor-enrolled by " + payee.userId() + " on " + payee.userId(),
                        "factor-enrolled by " + early.userId() + " on " + early.userId());
        assertThat(trail.path("total").asLong()).isEqualTo(rows.size());
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i)).as("newest first").isBeforeOrEqualTo(times.get(i - 1));
        }
        JsonNode items = trail.path("items");
        assertThat(items.get(1).path("detail").path("state").asText()).isEqualTo("ENFORCED");
        assertThat(Instant.parse(
                        items.get(2).path("detail").path("enforcementDeadline").asText()))
                .isEqualTo(deadlineSoon);
        assertThat(Instant.parse(
                        items.get(5).path("detail").path("enforcementDeadline").asText()))
                .isEqualTo(deadline14);
        String text = trail.toString();
        assertThat(Secrets.leaks(text))
                .as("secrets or phone numbers in the audit")
                .isEmpty();
        assertThat(text).doesNotContain("@").doesNotContain(phone.e164().substring(2));
        step("audit: " + rows.size() + " rows newest first, actors as expected, no secret/phone/address");
    }

    private static Map<String, Object> policyBody(Instant deadline) {
        return Map.of(
                "enabled",
                true,
                "enforcementDeadline",
                deadline.toString(),
                "allowedMethods",
                List.of("TOTP", "SMS"),
                "rememberDeviceDays",
                0);
    }

    private static JsonNode audit(String org, String admin) {
        Http.Reply r = Http.get(ENROLLMENT_API + "/orgs/" + org + "/mfa-audit?size=100")
                .bearer(admin)
                .send();
        expect(r, 200);
        return r.json();
    }

    private static String policy(String org, String admin) {
        Http.Reply r = Http.get(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                .bearer(admin)
                .send();
        return r.status() + " " + r.text();
    }

    private static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static List<String> sorted(String... values) {
        return Arrays.stream(values).sorted().toList();
    }

    /** One line per step with the time since the story began (the story's timings in the build log). */
    private void step(String what) {
        System.out.printf(Locale.ROOT, "campaign story +%.1f s: %s%n", (System.nanoTime() - started) / 1e9, what);
    }
}
