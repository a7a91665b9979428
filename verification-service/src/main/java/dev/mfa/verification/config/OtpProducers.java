package dev.mfa.verification.config;

import dev.mfa.core.otp.Totp;
import dev.mfa.core.otp.TotpParameters;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** TOTP with a window of ±1 step; each factor's algorithm, digits and period come with mfa.factor.enrolled. */
@Singleton
public class OtpProducers {

    @Produces
    @Singleton
    Totp totp(Clock clock) {
        return new Totp(clock, TotpParameters.DEFAULT.withWindow(1));
    }
}
