package dev.mfa.verification.config;

import dev.mfa.core.otp.Totp;
import dev.mfa.core.otp.TotpParameters;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** TOTP as enrollment-service configures it (SHA-1, 6 digits, 30 s) with a window of ±1 step. */
@Singleton
public class OtpProducers {

    @Produces
    @Singleton
    Totp totp(Clock clock) {
        return new Totp(clock, TotpParameters.DEFAULT.withWindow(1));
    }
}
