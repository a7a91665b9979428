package dev.mfa.systemtests.support;

import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.core.otp.Totp;
import java.time.Clock;

/**
 * An authenticator app holding one scanned key. Codes are one-time: the device remembers the last step it showed, so
 * that every code it gives is for a later step (waiting for the next 30 s step when it must).
 */
public final class TotpDevice {

    private final OtpAuthUri key;
    private final Totp totp;
    private long lastStep = Long.MIN_VALUE;

    public TotpDevice(OtpAuthUri key) {
        this.key = key;
        this.totp = new Totp(Clock.systemUTC(), key.totpParameters());
        Secrets.secret(key.secret());
    }

    public OtpAuthUri key() {
        return key;
    }

    /** The code shown now (the confirmation of an enrollment consumes this step). */
    public synchronized String currentCode() {
        long step = totp.currentStep();
        lastStep = Math.max(lastStep, step);
        return code(step);
    }

    /** A code of a step after every step used so far, within the verifier's ±1 window; may wait up to a step. */
    public synchronized String nextCode() {
        long step = Math.max(lastStep + 1, totp.currentStep());
        while (step > totp.currentStep() + 1) {
            sleepUntilNextStep();
        }
        lastStep = step;
        return code(step);
    }

    /** Whether {@link #nextCode()} would answer without waiting. */
    public synchronized boolean hasFreshCode() {
        return lastStep + 1 <= totp.currentStep() + 1;
    }

    /** A 6-digit code that is none of the codes valid now (a wrong code). */
    public String wrongCode() {
        long now = totp.currentStep();
        for (int candidate = 0; ; candidate++) {
            String c = String.format("%06d", (candidate * 7919 + 123457) % 1_000_000);
            boolean valid = false;
            for (long s = now - 2; s <= now + 2; s++) {
                valid |= totp.generateAt(key.secretBytes(), s).equals(c);
            }
            if (!valid) {
                return c;
            }
        }
    }

    private String code(long step) {
        String c = totp.generateAt(key.secretBytes(), step);
        Secrets.code(c);
        return c;
    }

    private void sleepUntilNextStep() {
        long period = key.period() * 1000L;
        long wait = period - (System.currentTimeMillis() % period) + 50;
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
