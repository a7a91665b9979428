package dev.mfa.core.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import org.junit.jupiter.api.Test;

/** {@link ProblemMappers#problemFor} answers every failure as the JAX-RS mapper of its kind does. */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    private static JsonProcessingException brokenJson() {
        try {
            new ObjectMapper().readTree("{\"code\": \"123456\"");
            throw new AssertionError("parsed");
        } catch (JsonProcessingException e) {
            return e;
        }
    }

    private static JsonProcessingException wrongType() {
        try {
            new ObjectMapper().readValue("{\"n\": [\"123456\"]}", Numbered.class);
            throw new AssertionError("read");
        } catch (JsonProcessingException e) {
            return e;
        }
    }

    record Numbered(int n) {}

    @Test
    void everyKindOfFailureGetsTheProblemItsMapperGives() {
        assertThat(ProblemMappers.problemFor(ProblemException.notFound("No such challenge.")))
                .isEqualTo(mappers.problem(ProblemException.notFound("No such challenge."))
                        .getEntity());
        assertThat(ProblemMappers.problemFor(brokenJson()))
                .isEqualTo(mappers.malformedJson(brokenJson()).getEntity());
        Problem wrong = ProblemMappers.problemFor(wrongType());
        assertThat(wrong).isEqualTo(mappers.malformedJson(wrongType()).getEntity());
        assertThat(wrong.field()).isEqualTo("n");
        assertThat(ProblemMappers.problemFor(new AuthenticationFailedException()))
                .isEqualTo(mappers.unauthorized(new AuthenticationFailedException())
                        .getEntity());
        assertThat(ProblemMappers.problemFor(new ForbiddenException()))
                .isEqualTo(mappers.forbidden(new ForbiddenException()).getEntity());
        assertThat(ProblemMappers.problemFor(new NotSupportedException()).status())
                .isEqualTo(415);
        assertThat(ProblemMappers.problemFor(new WebApplicationException(brokenJson(), 400)))
                .isEqualTo(mappers.malformedJson(brokenJson()).getEntity());
    }

    @Test
    void anUnexpectedFailureIs500WithAnErrorIdAndNothingOfItsMessage() {
        Problem problem = ProblemMappers.problemFor(new IllegalStateException("code 123456 for +15551234567"));
        assertThat(problem.status()).isEqualTo(500);
        assertThat(problem.type()).endsWith("/internal-error");
        assertThat(problem.detail()).matches("Something went wrong on our side\\. Error id [0-9a-f-]{36}\\.");
    }

    @Test
    void noMessageOfAParserIsEchoed() {
        assertThat(ProblemMappers.problemFor(brokenJson()).detail()).doesNotContain("123456");
    }
}
