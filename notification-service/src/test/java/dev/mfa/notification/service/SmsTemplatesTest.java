package dev.mfa.notification.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa.notification.domain.SmsPurpose;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmsTemplatesTest {

    // The defaults of NotificationConfig.Templates.
    static final String ENROLLMENT =
            "{brand}: {code} is your code to set up text message verification. It expires in {minutes} min. Never share this code.";
    static final String SIGN_IN =
            "{brand}: {code} is your sign-in code. It expires in {minutes} min. Never share this code with anyone.";

    @Test
    void defaultTemplatesFitOneGsm7SegmentWithTheLongestValues() {
        SmsTemplates templates = new SmsTemplates("MFA Platform", ENROLLMENT, SIGN_IN);
        for (SmsPurpose purpose : SmsPurpose.values()) {
            String text = templates.render(purpose, "99999999", Duration.ofMinutes(999));
            assertThat(Gsm7.septets(text)).isBetween(1, 160);
            assertThat(text)
                    .contains("Never share this code")
                    .contains("MFA Platform")
                    .contains("99999999");
        }
    }

    @Test
    void rendersBrandCodeAndWholeMinutesRoundedUp() {
        SmsTemplates templates = new SmsTemplates("Acme", ENROLLMENT, SIGN_IN);
        assertThat(templates.render(SmsPurpose.SIGN_IN, "123456", Duration.ofSeconds(241)))
                .isEqualTo(
                        "Acme: 123456 is your sign-in code. It expires in 5 min. Never share this code with anyone.");
        assertThat(templates.render(SmsPurpose.ENROLLMENT, "123456", Duration.ofSeconds(10)))
                .contains("expires in 1 min");
        assertThat(templates.render(SmsPurpose.ENROLLMENT, "123456", Duration.ofSeconds(-5)))
                .contains("expires in 1 min");
    }

    @Test
    void refusesToStartWithABrandThatBreaksTheSingleSegment() {
        assertThatThrownBy(() -> new SmsTemplates("A".repeat(60), ENROLLMENT, SIGN_IN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one GSM-7 segment");
        // A non-GSM character would switch the whole text to UCS-2 (70 characters per segment).
        assertThatThrownBy(() -> new SmsTemplates("Acme™", ENROLLMENT, SIGN_IN))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SmsTemplates("Acme", "{brand}: no code", SIGN_IN))
                .hasMessageContaining("{code}");
    }

    @Test
    void rejectsCodesThatAreNotShortDigitStrings() {
        SmsTemplates templates = new SmsTemplates("Acme", ENROLLMENT, SIGN_IN);
        assertThatThrownBy(() -> templates.render(SmsPurpose.SIGN_IN, "12ab56", Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("12ab56");
        assertThatThrownBy(() -> templates.render(SmsPurpose.SIGN_IN, "1234567890", Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gsm7CountsExtensionCharactersTwiceAndRejectsOthers() {
        assertThat(Gsm7.septets("abc")).isEqualTo(3);
        assertThat(Gsm7.septets("€[]")).isEqualTo(6);
        assertThat(Gsm7.septets("ção")).isEqualTo(-1);
        assertThat(Gsm7.fitsOneSegment("a".repeat(160))).isTrue();
        assertThat(Gsm7.fitsOneSegment("a".repeat(159) + "€")).isFalse();
    }

    @Test
    void callingCodesTieNumbersToTheirCountry() {
        assertThat(CallingCodes.matches("US", "+14155550101")).isTrue();
        assertThat(CallingCodes.matches("GB", "+447700900123")).isTrue();
        assertThat(CallingCodes.matches("GB", "+14155550101")).isFalse();
        assertThat(CallingCodes.matches("US", "14155550101")).isFalse();
        assertThat(CallingCodes.matches("ZZ", "+14155550101")).isFalse();
        assertThat(CallingCodes.matches("US", "+1415555010199999")).isFalse();
    }
}
