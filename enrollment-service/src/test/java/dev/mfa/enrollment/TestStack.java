package dev.mfa.enrollment;

import dev.mfa.enrollment.support.TestPasswords;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Starts the real PostgreSQL and Kafka servers once for every {@code @QuarkusTest} of this module (the resources
 * are global, not restricted to this class), and points the password verifier at the tests' password file.
 */
@QuarkusTestResource(
        value = PostgresTestResource.class,
        initArgs = @ResourceArg(name = PostgresTestResource.DATABASE, value = TestStack.DATABASE))
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(TestPasswords.class)
public final class TestStack {
    public static final String DATABASE = "mfa_enrollment";

    private TestStack() {}
}
