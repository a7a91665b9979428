package dev.mfa.core.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.crypto.FieldCipherException;
import dev.mfa.core.events.EventCodec;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class TransientFailuresTest {

    @Test
    void unreachableServersAreRetried() {
        assertThat(TransientFailures.isTransient(new ConnectException("Connection refused")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new CompletionException(new ConnectException("x"))))
                .isTrue();
        assertThat(TransientFailures.isTransient(new IllegalStateException("pool closed")))
                .isTrue();
    }

    @Test
    void malformedEventsGoStraightToTheDeadLetterTopic() {
        assertThat(TransientFailures.isTransient(new EventCodec.EventFormatException("bad", null)))
                .isFalse();
        assertThat(TransientFailures.isTransient(new RuntimeException(
                        new FieldCipherException(FieldCipherException.Reason.UNKNOWN_KEY, "unknown key id"))))
                .isFalse();
        assertThat(TransientFailures.isTransient(new IllegalArgumentException("bad value")))
                .isFalse();
    }
}
