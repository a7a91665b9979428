package dev.mfa.notification;

import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.MailServerTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Starts the real PostgreSQL and Kafka servers, an in-process Vonage stub and the mail server once for every
 * {@code @QuarkusTest} of this module (the resources are global, not restricted to this class).
 */
@QuarkusTestResource(
        value = PostgresTestResource.class,
        initArgs = @ResourceArg(name = PostgresTestResource.DATABASE, value = TestStack.DATABASE))
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(VonageStubResource.class)
@QuarkusTestResource(MailServerTestResource.class)
public final class TestStack {
    public static final String DATABASE = "mfa_notification";

    private TestStack() {}
}
