package dev.mfa.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxBatchesTest {

    @Test
    void splitReturnsEachEventVerbatimWithItsSubjectAsKeyInOrder() {
        String first =
                "{\"specversion\":\"1.0\",\"id\":\"a\",\"subject\":\"user-1\",\"data\":{\"subject\":\"nested\"}}";
        // PostgreSQL's json_build_object puts spaces around colons; the text must come back unchanged.
        String second =
                "{\"specversion\" : \"1.0\", \"data\" : {\"list\" : [1, {\"x\" : \"]}\"}]}, \"subject\" : \"user-2\"}";

        List<OutboxBatches.KeyedEvent> events = OutboxBatches.split(OutboxBatches.join(List.of(first, second)));

        assertThat(events)
                .containsExactly(
                        new OutboxBatches.KeyedEvent("user-1", first), new OutboxBatches.KeyedEvent("user-2", second));
    }

    @Test
    void anEmptyBatchHasNoEvents() {
        assertThat(OutboxBatches.split("[]")).isEmpty();
    }

    @Test
    void malformedPayloadsAreRefused() {
        assertThatThrownBy(() -> OutboxBatches.split("{\"subject\":\"u\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboxBatches.split("[{\"id\":\"no-subject\"}]"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboxBatches.split("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboxBatches.split("[{\"subject\":\"u\"")).isInstanceOf(RuntimeException.class);
    }
}
