package dev.mfa.notification.service;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ITU calling codes of the countries SMS may be allowed for. A number must start with its declared country's code,
 * so that an event cannot route a code to another country (SMS pumping to premium ranges). Note: +1 is shared by
 * the whole North American Numbering Plan, so a +1 number is not proven to be in US or CA by this check alone.
 */
public final class CallingCodes {

    public static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private static final Map<String, String> CODES = Map.ofEntries(
            Map.entry("US", "1"),
            Map.entry("CA", "1"),
            Map.entry("GB", "44"),
            Map.entry("IE", "353"),
            Map.entry("AU", "61"),
            Map.entry("NZ", "64"),
            Map.entry("FR", "33"),
            Map.entry("DE", "49"),
            Map.entry("ES", "34"),
            Map.entry("IT", "39"),
            Map.entry("NL", "31"),
            Map.entry("BE", "32"),
            Map.entry("LU", "352"),
            Map.entry("CH", "41"),
            Map.entry("AT", "43"),
            Map.entry("DK", "45"),
            Map.entry("SE", "46"),
            Map.entry("NO", "47"),
            Map.entry("FI", "358"),
            Map.entry("PT", "351"),
            Map.entry("PL", "48"),
            Map.entry("CZ", "420"),
            Map.entry("MX", "52"),
            Map.entry("BR", "55"),
            Map.entry("AR", "54"),
            Map.entry("CL", "56"),
            Map.entry("CO", "57"),
            Map.entry("IN", "91"),
            Map.entry("JP", "81"),
            Map.entry("KR", "82"),
            Map.entry("SG", "65"),
            Map.entry("HK", "852"),
            Map.entry("ZA", "27"),
            Map.entry("AE", "971"),
            Map.entry("IL", "972"),
            Map.entry("PH", "63"));

    private CallingCodes() {}

    public static Optional<String> of(String country) {
        return Optional.ofNullable(country == null ? null : CODES.get(country));
    }

    /** Whether {@code e164} is a well-formed E.164 number under {@code country}'s calling code. */
    public static boolean matches(String country, String e164) {
        return e164 != null
                && E164.matcher(e164).matches()
                && of(country).map(code -> e164.startsWith("+" + code)).orElse(false);
    }
}
