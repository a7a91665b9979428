package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.config.SmsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** libphonenumber rules: type, country, payee restriction, masking; problem details never hold the number. */
public class PhoneNumbersTest {

    static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    static final Caller USER = new Caller("u", "o", Set.of("user"), null);
    static final Caller PAYEE = new Caller("p", "o", Set.of("user"), "payee");

    private final PhoneNumbers phones = new PhoneNumbers(config(List.of("US", "GB", "DE", "XX")));

    /** libphonenumber's own example of a type in a region, in national format. */
    public static String example(String region, PhoneNumberType type) {
        return UTIL.format(UTIL.getExampleNumberForType(region, type), PhoneNumberFormat.NATIONAL);
    }

    @Test
    void usNumbersAreFixedLineOrMobileAndAccepted() {
        var phone = phones.validate(USER, "us", "(201) 555-0123");
        assertThat(phone.e164()).isEqualTo("+12015550123");
        assertThat(phone.country()).isEqualTo("US");
        assertThat(phone.masked()).isEqualTo("+1 \u2022\u2022\u2022 \u2022\u2022\u2022 \u2022\u202223");
        assertThat(phone.toString()).doesNotContain("2015550123");
        assertThat(phones.validate(PAYEE, "US", "+1 201 555 0123").e164()).isEqualTo("+12015550123");
    }

    @Test
    void mobilesElsewhereAreAcceptedOtherTypesRefusedWithAReason() {
        assertThat(phones.validate(USER, "GB", example("GB", PhoneNumberType.MOBILE))
                        .e164())
                .startsWith("+447");
        refused(USER, "GB", example("GB", PhoneNumberType.FIXED_LINE), "phone-number-type-not-allowed", "landline");
        refused(USER, "GB", example("GB", PhoneNumberType.PREMIUM_RATE), "phone-number-type-not-allowed", "premium");
        refused(USER, "GB", example("GB", PhoneNumberType.TOLL_FREE), "phone-number-type-not-allowed", "toll-free");
        refused(USER, "DE", example("DE", PhoneNumberType.SHARED_COST), "phone-number-type-not-allowed", "shared-cost");
        refused(USER, "US", example("US", PhoneNumberType.TOLL_FREE), "phone-number-type-not-allowed", "toll-free");
    }

    @Test
    void countriesAndShapesAreChecked() {
        refused(USER, "FR", example("FR", PhoneNumberType.MOBILE), "country-not-allowed", "not available");
        refused(PAYEE, "GB", example("GB", PhoneNumberType.MOBILE), "country-not-allowed", "United States");
        refused(USER, "USA", "2015550123", "invalid-country", "ISO");
        refused(USER, null, "2015550123", "invalid-country", "ISO");
        refused(USER, "US", "12", "invalid-phone-number", "phone number");
        refused(USER, "US", "call me maybe", "invalid-phone-number", "phone number");
        refused(USER, "US", "2015550123".repeat(4), "invalid-phone-number", "phone number");
        refused(USER, "US", null, "invalid-phone-number", "phone number");
        refused(
                USER,
                "US",
                "+44 " + example("GB", PhoneNumberType.MOBILE).substring(1),
                "phone-number-country-mismatch",
                "country");
        refused(USER, "US", "0000000000", "invalid-phone-number", "valid");
    }

    @Test
    void countriesForACallerFollowConfigurationAndThePayeeRule() {
        assertThat(phones.countriesFor(USER))
                .extracting(PhoneNumbers.SmsCountry::country)
                .containsExactly("US", "GB", "DE"); // XX is not a region: dropped
        assertThat(phones.countriesFor(USER).get(0))
                .isEqualTo(new PhoneNumbers.SmsCountry("US", "+1", "United States"));
        assertThat(phones.countriesFor(PAYEE))
                .extracting(PhoneNumbers.SmsCountry::country)
                .containsExactly("US");
    }

    private void refused(Caller caller, String country, String number, String slug, String reason) {
        assertThatThrownBy(() -> phones.validate(caller, country, number))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().type()).endsWith("/" + slug);
                    assertThat(e.problem().detail()).containsIgnoringCase(reason);
                    if (number != null && number.replaceAll("\\D", "").length() > 4) {
                        assertThat(e.problem().detail())
                                .doesNotContain(number.replaceAll("\\D", "").substring(2));
                    }
                });
    }

    static SmsConfig config(List<String> countries) {
        return new SmsConfig() {
            public List<String> allowedCountries() {
                return countries;
            }

            public List<String> payeeCountries() {
                return List.of("US");
            }

            public Duration codeTtl() {
                return Duration.ofMinutes(10);
            }

            public int maxAttempts() {
                return 5;
            }

            public int maxSends() {
                return 5;
            }

            public Duration resendDelay() {
                return Duration.ofSeconds(30);
            }

            public int maxStartsPerHour() {
                return 10;
            }

            public int maxSendsPerNumberPerHour() {
                return 5;
            }
        };
    }
}
