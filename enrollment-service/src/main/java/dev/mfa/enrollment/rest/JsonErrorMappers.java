package dev.mfa.enrollment.rest;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.mfa.core.problem.ProblemMappers;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Quarkus registers its own mapper for {@link MismatchedInputException} (a JSON body of its own, not problem+json);
 * this one, more specific than mfa-core's JsonProcessingException mapper, keeps every error a problem.
 */
public class JsonErrorMappers {

    private final ProblemMappers problems = new ProblemMappers();

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatchedInput(MismatchedInputException e) {
        return problems.malformedJson(e);
    }
}
