package dev.mfa.notification;

import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the SMS integration tests share besides Kafka: the Vonage stub's answers and settings back to their defaults
 * before and after each test (a test that changes them never leaks into the next), and the usual request.
 */
abstract class SmsStubCase extends KafkaCase {

    @BeforeEach
    void resetStub() {
        StubClient.reset();
    }

    @AfterEach
    void resetStubAfter() {
        StubClient.reset();
        StubClient.resetConfig();
    }

    /** Publishes a sign-in code request to {@code to}, a US number, expiring {@code ttlSeconds} from now. */
    void requestSignIn(UUID requestId, String userId, String to, String code, long ttlSeconds) {
        SmsFixtures.publish(
                kafka,
                SmsFixtures.event(
                        requestId,
                        userId,
                        "SIGN_IN",
                        "US",
                        to,
                        code,
                        Instant.now().plusSeconds(ttlSeconds)));
    }

    /** Waits (up to {@link #WAIT}) until the request's row is in {@code state}. */
    static void awaitState(UUID requestId, String state) {
        await().atMost(WAIT).until(() -> state.equals(SmsFixtures.state(requestId)));
    }
}
