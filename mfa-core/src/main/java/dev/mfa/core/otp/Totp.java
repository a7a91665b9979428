package dev.mfa.core.otp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Time-based one-time passwords (RFC 6238) with T0 = 0. Immutable and thread-safe; time steps are
 * 64-bit so codes keep working after 2038.
 */
public final class Totp {

    /** Pass as {@code lastAcceptedStep} when no code has been accepted yet for the key. */
    public static final long NO_STEP_USED = Long.MIN_VALUE;

    private final Clock clock;
    private final TotpParameters parameters;

    public Totp(Clock clock, TotpParameters parameters) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    /** TOTP with {@link TotpParameters#DEFAULT}. */
    public Totp(Clock clock) {
        this(clock, TotpParameters.DEFAULT);
    }

    public TotpParameters parameters() {
        return parameters;
    }

    /** The same clock with other parameters (a key enrolled with its own algorithm, digits or period). */
    public Totp withParameters(TotpParameters other) {
        return new Totp(clock, other);
    }

    /** The time step of the clock's current instant. */
    public long currentStep() {
        return stepAt(clock.instant());
    }

    /** RFC 6238 §4.2: T = floor((unix time - T0) / X). */
    public long stepAt(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        return Math.floorDiv(instant.getEpochSecond(), (long) parameters.periodSeconds());
    }

    /** The code for the current time step. */
    public String generate(byte[] key) {
        return generateAt(key, currentStep());
    }

    /** The code for the given time step (0 or greater). */
    public String generateAt(byte[] key, long step) {
        return Hotp.generate(key, step, parameters.digits(), parameters.algorithm());
    }

    /**
     * Checks {@code code} against every step within ±window of now.
     *
     * @param key              shared secret
     * @param code             the code the user typed; malformed codes (null, wrong length,
     *                         non-ASCII-digits) simply do not match
     * @param lastAcceptedStep the step of the last code accepted for this key, or
     *                         {@link #NO_STEP_USED}; only later steps are accepted (RFC 6238 §5.2,
     *                         one-time use)
     * @return the matched step, to be stored as the new {@code lastAcceptedStep}; empty when no
     *         acceptable step matches
     */
    public OptionalLong verify(byte[] key, String code, long lastAcceptedStep) {
        Objects.requireNonNull(key, "key");
        if (!isWellFormed(code)) {
            return OptionalLong.empty();
        }
        byte[] given = code.getBytes(StandardCharsets.UTF_8);
        long now = currentStep();
        long matched = 0;
        boolean found = false;
        // Every candidate is computed and compared, so the time taken does not reveal which step matched.
        for (long step = now - parameters.window(); step <= now + parameters.window(); step++) {
            if (step < 0) {
                continue; // before the epoch: no such step
            }
            byte[] expected = generateAt(key, step).getBytes(StandardCharsets.UTF_8);
            boolean equal = MessageDigest.isEqual(expected, given);
            if (equal && step > lastAcceptedStep && !found) {
                matched = step;
                found = true;
            }
        }
        return found ? OptionalLong.of(matched) : OptionalLong.empty();
    }

    private boolean isWellFormed(String code) {
        if (code == null || code.length() != parameters.digits()) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') { // ASCII only: Character.isDigit would accept other scripts
                return false;
            }
        }
        return true;
    }
}
