package dev.mfa.localstack;

import dev.mfa.core.events.Topics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The topics the local stack and the test broker create up front: every contract topic and its dead-letter topic. */
public final class LocalStackTopics {

    private LocalStackTopics() {}

    /** The contract's topics (CONTRACT §5), from {@link Topics#ALL}. */
    public static List<String> contractTopics() {
        return Topics.ALL;
    }

    /** Every contract topic followed by its {@code .dlq}. */
    public static List<String> all() {
        List<String> all = new ArrayList<>();
        for (String topic : Topics.ALL) {
            all.add(topic);
            all.add(Topics.dlq(topic));
        }
        return Collections.unmodifiableList(all);
    }
}
