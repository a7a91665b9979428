package dev.mfa.systemtests.support;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh, valid mobile numbers (libphonenumber, the same validation as enrollment-service), one per use: the
 * notification-service caps texts per destination per hour, so no two tests share a number.
 */
public final class Phones {

    /** A mobile number: {@code e164} for events and the stub, {@code national} as a user would type it. */
    public record Phone(String country, String e164, String national) {}

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Set<PhoneNumberType> MOBILE =
            Set.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE);
    private static final AtomicInteger NEXT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(1000, 5000));

    private Phones() {}

    public static Phone next(String country) {
        PhoneNumber example = UTIL.getExampleNumberForType(country, PhoneNumberType.MOBILE);
        if (example == null) {
            throw new IllegalArgumentException("no example mobile number for " + country);
        }
        String base = UTIL.getNationalSignificantNumber(example);
        for (int attempt = 0; attempt < 10_000; attempt++) {
            String suffix = String.format("%04d", NEXT.getAndIncrement() % 10_000);
            String candidate = base.substring(0, base.length() - 4) + suffix;
            try {
                PhoneNumber n = UTIL.parse(candidate, country);
                if (UTIL.isValidNumberForRegion(n, country) && MOBILE.contains(UTIL.getNumberType(n))) {
                    String e164 = UTIL.format(n, PhoneNumberFormat.E164);
                    Secrets.phone(e164, UTIL.getNationalSignificantNumber(n));
                    return new Phone(country, e164, UTIL.format(n, PhoneNumberFormat.NATIONAL));
                }
            } catch (com.google.i18n.phonenumbers.NumberParseException ignored) {
                // next candidate
            }
        }
        throw new IllegalStateException("no valid mobile number found for " + country);
    }
}
