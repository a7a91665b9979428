package dev.mfa.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfa.core.otp.OtpAlgorithm;
import dev.mfa.core.otp.TotpParameters;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The TOTP parameters of mfa.factor.enrolled: they travel, and an event without them means the defaults. */
class FactorEnrolledTest {

    private final EventCodec codec = new EventCodec();

    private static Events.FactorEnrolled totp() {
        return new Events.FactorEnrolled(
                UUID.randomUUID(),
                "u1",
                "o1",
                "TOTP",
                "Authenticator app",
                "v1:k:AAAA",
                null,
                null,
                null,
                5L,
                Instant.EPOCH);
    }

    @Test
    void parametersTravelWithTheEvent() {
        TotpParameters p = new TotpParameters(OtpAlgorithm.SHA256, 8, 60, 1);
        CloudEvent event = codec.decode(codec.encode(codec.wrap("/test", totp().withTotp(p), Instant.EPOCH)));
        assertThat(event.data().path("algorithm").asText()).isEqualTo("SHA256");
        assertThat(event.data().path("digits").asInt()).isEqualTo(8);
        assertThat(event.data().path("period").asInt()).isEqualTo(60);
        assertThat(codec.data(event, Events.FactorEnrolled.class).totpParameters())
                .isEqualTo(p);
    }

    @Test
    void anEventWithoutParametersMeansTheDefaults() {
        CloudEvent event = codec.wrap("/test", totp(), Instant.EPOCH);
        ((ObjectNode) event.data()).remove(List.of("algorithm", "digits", "period"));
        assertThat(codec.data(event, Events.FactorEnrolled.class).totpParameters())
                .isEqualTo(TotpParameters.DEFAULT);
    }

    @Test
    void unsupportedParametersAreRefused() {
        assertThatThrownBy(() -> withRawParameters("MD5", 6, 30).totpParameters())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> withRawParameters("SHA1", 6, 0).totpParameters())
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** As a consumer may receive it: parameters as written by any producer, valid or not. */
    private static Events.FactorEnrolled withRawParameters(String algorithm, int digits, int period) {
        Events.FactorEnrolled t = totp();
        return new Events.FactorEnrolled(
                t.factorId(),
                t.userId(),
                t.orgId(),
                t.method(),
                t.label(),
                t.totpSecret(),
                t.phone(),
                t.phoneMasked(),
                t.country(),
                t.lastUsedStep(),
                t.enrolledAt(),
                algorithm,
                digits,
                period);
    }
}
