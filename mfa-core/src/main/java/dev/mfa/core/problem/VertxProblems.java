package dev.mfa.core.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a {@link Problem} on a Vert.x response with the status, media type and headers
 * {@link ProblemMappers#toResponse} gives it in JAX-RS, for what answers before or beside a resource.
 */
public final class VertxProblems {

    private VertxProblems() {}

    public static void send(HttpServerResponse response, Problem problem, ObjectMapper mapper) {
        String body;
        try {
            body = mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Problem always serializes", e);
        }
        response.setStatusCode(problem.status()).putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (problem.retryAfterSeconds() != null) {
            response.putHeader(
                    HttpHeaderNames.RETRY_AFTER, problem.retryAfterSeconds().toString());
        }
        if (problem.status() == 401) {
            response.putHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        response.end(body);
    }
}
