package dev.mfa.verification;

import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Starts the real PostgreSQL and Kafka servers once for every {@code @QuarkusTest} of this module (the resources
 * are global, not restricted to this class).
 */
@QuarkusTestResource(
        value = PostgresTestResource.class,
        initArgs = @ResourceArg(name = PostgresTestResource.DATABASE, value = TestStack.DATABASE))
@QuarkusTestResource(KafkaTestResource.class)
public final class TestStack {
    public static final String DATABASE = "mfa_verification";

    private TestStack() {}
}
