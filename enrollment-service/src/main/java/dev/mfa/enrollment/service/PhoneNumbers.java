package dev.mfa.enrollment.service;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.config.SmsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Phone numbers for SMS codes: parsed and normalised to E.164 with libphonenumber; only numbers it validates as
 * {@code MOBILE} or {@code FIXED_LINE_OR_MOBILE} (every US number), in an allowed country (a Pay payee: US only).
 * Problem details never repeat the number.
 */
@ApplicationScoped
public class PhoneNumbers {

    public static final int MAX_INPUT_LENGTH = 32;
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    /** Digits, an optional leading '+', and the usual separators. */
    private static final Pattern NUMBER = Pattern.compile("\\+?[0-9 ().\\-]{4,31}");

    private static final Set<PhoneNumberType> ACCEPTED =
            Set.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE);

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final SmsConfig config;

    public PhoneNumbers(SmsConfig config) {
        this.config = config;
    }

    public record ValidPhone(String e164, String country, String masked) {
        @Override
        public String toString() {
            return "ValidPhone[country=" + country + ", masked=" + masked + "]";
        }
    }

    public record SmsCountry(String country, String callingCode, String name) {}

    /** The countries this caller may receive SMS codes in, in configuration order. */
    public List<SmsCountry> countriesFor(Caller caller) {
        return allowedFor(caller).stream()
                .map(c -> new SmsCountry(
                        c, "+" + util.getCountryCodeForRegion(c), new Locale("", c).getDisplayCountry(Locale.ENGLISH)))
                .toList();
    }

    private List<String> allowedFor(Caller caller) {
        List<String> allowed = config.allowedCountries().stream()
                .map(c -> c.trim().toUpperCase(Locale.ROOT))
                .filter(c -> util.getCountryCodeForRegion(c) != 0)
                .distinct()
                .toList();
        if (caller.isPayee()) {
            List<String> payee = config.payeeCountries().stream()
                    .map(c -> c.trim().toUpperCase(Locale.ROOT))
                    .toList();
            return allowed.stream().filter(payee::contains).toList();
        }
        return allowed;
    }

    /** Validates the input or throws a 422 naming the field and the reason. */
    public ValidPhone validate(Caller caller, String countryCode, String phoneNumber) {
        if (countryCode == null || !COUNTRY.matcher(countryCode.trim()).matches()) {
            throw ProblemException.unprocessable(
                    "invalid-country",
                    "countryCode must be an ISO 3166 alpha-2 country code such as US.",
                    "countryCode");
        }
        String country = countryCode.trim().toUpperCase(Locale.ROOT);
        if (!allowedFor(caller).contains(country)) {
            throw ProblemException.unprocessable(
                    "country-not-allowed",
                    caller.isPayee()
                            ? "SMS verification for Pay payees is limited to the United States."
                            : "SMS verification is not available in this country.",
                    "countryCode");
        }
        if (phoneNumber == null
                || phoneNumber.length() > MAX_INPUT_LENGTH
                || !NUMBER.matcher(phoneNumber.trim()).matches()) {
            throw ProblemException.unprocessable(
                    "invalid-phone-number",
                    "phoneNumber must be a phone number of digits, optionally with + and separators.",
                    "phoneNumber");
        }
        PhoneNumber number;
        try {
            number = util.parse(phoneNumber.trim(), country);
        } catch (NumberParseException e) {
            throw ProblemException.unprocessable(
                    "invalid-phone-number", "This is not a valid phone number.", "phoneNumber");
        }
        if (!util.isValidNumber(number)) {
            throw ProblemException.unprocessable(
                    "invalid-phone-number", "This is not a valid phone number.", "phoneNumber");
        }
        if (!util.isValidNumberForRegion(number, country)) {
            throw ProblemException.unprocessable(
                    "phone-number-country-mismatch",
                    "The phone number does not belong to the selected country.",
                    "phoneNumber");
        }
        PhoneNumberType type = util.getNumberType(number);
        if (!ACCEPTED.contains(type)) {
            throw ProblemException.unprocessable(
                    "phone-number-type-not-allowed",
                    "SMS codes need a mobile number; this number is " + describe(type) + ".",
                    "phoneNumber");
        }
        String e164 = util.format(number, PhoneNumberFormat.E164);
        return new ValidPhone(e164, country, mask(number.getCountryCode(), e164));
    }

    private static String describe(PhoneNumberType type) {
        return switch (type) {
            case FIXED_LINE -> "a landline";
            case PREMIUM_RATE -> "a premium-rate number";
            case TOLL_FREE -> "a toll-free number";
            case SHARED_COST -> "a shared-cost number";
            case VOIP -> "a VoIP number";
            case PAGER -> "a pager number";
            default -> "not a mobile number";
        };
    }

    /** {@code +1 ••• ••• ••01}: only the calling code and the last two digits. */
    static String mask(int callingCode, String e164) {
        return "+" + callingCode + " \u2022\u2022\u2022 \u2022\u2022\u2022 \u2022\u2022"
                + e164.substring(e164.length() - 2);
    }
}
