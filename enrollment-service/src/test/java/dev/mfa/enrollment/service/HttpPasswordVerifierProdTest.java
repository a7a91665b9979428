package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 16: in prod the password goes to the identity provider over https only. */
class HttpPasswordVerifierProdTest {

    @Test
    void prodRefusesAPlainHttpUrl() {
        assertThatThrownBy(
                        () -> PasswordVerifierProducer.http("http://idp.example/verify", Duration.ofSeconds(1), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("https");
        assertThatThrownBy(() -> PasswordVerifierProducer.http("ftp://idp.example/verify", Duration.ofSeconds(1), true))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void prodAcceptsHttpsAndOtherProfilesMayUseHttp() {
        assertThat(PasswordVerifierProducer.http("https://idp.example/verify", Duration.ofSeconds(1), true))
                .isInstanceOf(HttpPasswordVerifier.class);
        assertThat(PasswordVerifierProducer.http("http://localhost:9000/verify", Duration.ofSeconds(1), false))
                .isInstanceOf(HttpPasswordVerifier.class);
    }
}
