package dev.mfa.notification.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.notification.domain.SmsPurpose;
import dev.mfa.notification.repository.SmsClaim;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 16: a claimed request never prints its recipient or code. */
class ClaimedRedactedTest {

    @Test
    void claimedRequestRedactsRecipientAndCodeInToString() {
        var claimed = new SmsClaim(
                UUID.randomUUID(),
                "alice",
                SmsPurpose.SIGN_IN,
                "US",
                "v1:local-dev:cmVjaXBpZW50",
                "v1:local-dev:Y29kZQ==",
                Instant.now(),
                Instant.now(),
                1);
        assertThat(claimed.toString())
                .contains("alice")
                .doesNotContain("cmVjaXBpZW50")
                .doesNotContain("Y29kZQ==");
    }
}
