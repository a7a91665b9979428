package dev.mfa.notification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.notification.domain.EmailTemplate;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailRulesTest {

    @Test
    void everyContractTemplateNameHasATemplateWithBothFiles() throws Exception {
        assertThat(EmailTemplate.values())
                .extracting(EmailTemplate::id)
                .containsExactlyInAnyOrderElementsOf(EmailTemplates.ALL);
        for (EmailTemplate t : EmailTemplate.values()) {
            for (String suffix : new String[] {".txt", ".html"}) {
                try (InputStream in = getClass().getResourceAsStream("/templates/mail/" + t.id() + suffix)) {
                    assertThat(in).as(t.id() + suffix).isNotNull();
                    String body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    assertThat(body).as(t.id() + suffix).startsWith("{#include mail/layout" + suffix + "}");
                }
            }
        }
    }

    @Test
    void unknownTemplateIsRefused() {
        assertThatThrownBy(() -> EmailRules.template("password-reset"))
                .isInstanceOfSatisfying(
                        InvalidEmailRequestException.class,
                        e -> assertThat(e.reason()).isEqualTo("unknown_template"));
        assertThat(EmailRules.template(" factor-added ")).isEqualTo(EmailTemplate.FACTOR_ADDED);
    }

    @Test
    void addressMustBeOnePlainMailbox() {
        assertThat(EmailRules.address("  ann.lee+mfa@example.com ")).isEqualTo("ann.lee+mfa@example.com");
        for (String bad : new String[] {
            "",
            "ann",
            "ann@localhost",
            "Ann <ann@example.com>",
            "a@b.test\r\nBcc: x@y.test",
            "a b@example.com",
            "a@example.com,b@example.com",
            "x".repeat(250) + "@example.com"
        }) {
            assertThatThrownBy(() -> EmailRules.address(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            InvalidEmailRequestException.class,
                            e -> assertThat(e.reason()).isEqualTo("invalid_address"));
        }
    }

    @Test
    void paramsAreCheckedAgainstTheTemplate() {
        assertThat(EmailRules.params(
                        EmailTemplate.DEADLINE_APPROACHING, Map.of("deadline", "2026-12-18", "daysLeft", " 7 ")))
                .containsExactly(Map.entry("daysLeft", "7"), Map.entry("deadline", "2026-12-18"));
        assertInvalid(EmailTemplate.DEADLINE_APPROACHING, Map.of("deadline", "2026-12-18")); // daysLeft missing
        assertInvalid(EmailTemplate.FACTOR_ADDED, Map.of("method", "SMS", "code", "123456")); // not a param of it
        assertInvalid(EmailTemplate.FACTOR_ADDED, Map.of("method", "SMS", "phoneMasked", "+14155550101")); // full
        assertInvalid(EmailTemplate.FACTOR_ADDED, Map.of("method", "FAX"));
        assertInvalid(EmailTemplate.DEADLINE_APPROACHING, Map.of("deadline", "soon", "daysLeft", "7"));
        assertInvalid(EmailTemplate.DEADLINE_APPROACHING, Map.of("deadline", "2026-12-18", "daysLeft", "123456"));
        assertInvalid(EmailTemplate.ADMIN_USER_LOCKED, Map.of("lockedUserId", "<b>bob</b>"));
        Map<String, String> blankOptional = new HashMap<>();
        blankOptional.put("method", "TOTP");
        blankOptional.put("phoneMasked", null);
        assertThat(EmailRules.params(EmailTemplate.FACTOR_REMOVED, blankOptional))
                .containsOnlyKeys("method");
        assertThat(EmailRules.params(EmailTemplate.ACCOUNT_LOCKED, null)).isEmpty();
    }

    @Test
    void displayValuesAreReadable() {
        Map<String, String> display = EmailRules.displayAll(
                EmailTemplate.FACTOR_ADDED, Map.of("method", "passkey", "at", "2026-12-04T10:15:30Z"));
        assertThat(display)
                .containsEntry("method", "passkey")
                .containsEntry("at", "4 December 2026, 10:15 UTC")
                .containsEntry("phoneMasked", "");
        assertThat(EmailRules.displayAll(
                        EmailTemplate.FACTOR_ADDED, Map.of("method", "SMS", "phoneMasked", "+1 ••• ••• ••01")))
                .containsEntry("method", "text message (SMS)")
                .containsEntry("phoneMasked", "+1 ••• ••• ••01");
        Map<String, String> exemption =
                EmailRules.displayAll(EmailTemplate.EXEMPTION_ENDING, Map.of("until", "2027-01-02"));
        assertThat(EmailRules.subject("MFA Platform", EmailTemplate.EXEMPTION_ENDING, exemption))
                .isEqualTo("MFA Platform: Your exemption from two-step verification ends on 2 January 2027");
    }

    @Test
    void backoffDoublesUpToTheCapWithHalfOfItRandom() {
        Duration base = Duration.ofSeconds(2);
        Duration max = Duration.ofMinutes(5);
        for (int i = 0; i < 50; i++) {
            assertThat(RetryBackoff.after(1, base, max)).isBetween(Duration.ofSeconds(1), base);
            assertThat(RetryBackoff.after(3, base, max)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
            assertThat(RetryBackoff.after(40, base, max)).isBetween(Duration.ofSeconds(150), max);
        }
    }

    private static void assertInvalid(EmailTemplate template, Map<String, String> params) {
        assertThatThrownBy(() -> EmailRules.params(template, params))
                .as(params.toString())
                .isInstanceOfSatisfying(
                        InvalidEmailRequestException.class,
                        e -> assertThat(e.reason()).isEqualTo("invalid_params"));
    }
}
