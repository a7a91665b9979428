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
        Events.FactorEnrolled md5 = new Events.FactorEnrolled(
                UUID.randomUUID(),
                "u1",
                "o1",
                "TOTP",
                "app",
                "v1:k:AAAA",
                null,
                null,
                null,
                null,
                Instant.EPOCH,
                "MD5",
                6,
                30);
        assertThatThrownBy(md5::totpParameters).isInstanceOf(IllegalArgumentException.class);
        Events.FactorEnrolled zero = new Events.FactorEnrolled(
                UUID.randomUUID(),
                "u1",
                "o1",
                "TOTP",
                "app",
                "v1:k:AAAA",
                null,
                null,
                null,
                null,
                Instant.EPOCH,
                "SHA1",
                6,
                0);
        assertThatThrownBy(zero::totpParameters).isInstanceOf(IllegalArgumentException.class);
    }
}
