package dev.mfa.core.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error into {@code application/problem+json}. Messages from parsers and frameworks are never
 * echoed, because they can quote the request body (passwords, codes, phone numbers).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    public static Response toResponse(Problem problem) {
        Response.ResponseBuilder builder =
                Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.retryAfterSeconds() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds());
        }
        if (problem.status() == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return builder.build();
    }

    /**
     * The problem any failure answers, as the mappers below map it: for code that answers outside JAX-RS (a Vert.x
     * route, see {@link VertxProblems}) and must answer exactly as a resource would.
     */
    public static Problem problemFor(Throwable e) {
        if (e instanceof ProblemException problem) {
            return problem.problem();
        }
        if (e instanceof JsonProcessingException json) {
            return malformed(json);
        }
        if (e instanceof UnauthorizedException || e instanceof AuthenticationFailedException) {
            return unauthorizedProblem();
        }
        if (e instanceof ForbiddenException) {
            return forbiddenProblem();
        }
        if (e instanceof WebApplicationException web) {
            return webApplicationProblem(web);
        }
        return unexpectedProblem(e);
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return toResponse(e.problem());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return toResponse(malformed(e));
    }

    /**
     * Quarkus registers its own mapper for {@link MismatchedInputException} (a JSON body that is not a problem);
     * this more specific, higher-priority one keeps a wrong-typed field a problem too.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatchedInput(MismatchedInputException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return toResponse(unauthorizedProblem());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return toResponse(forbiddenProblem());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        return toResponse(webApplicationProblem(e));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        return toResponse(unexpectedProblem(e));
    }

    private static Problem malformed(JsonProcessingException e) {
        String field = null;
        if (e instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            field = mismatch.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
                    .collect(Collectors.joining("."));
        }
        String detail = e instanceof InvalidFormatException || e instanceof MismatchedInputException
                ? "A field has the wrong type or an unknown value."
                : "The request body is not valid JSON.";
        return Problem.of(400, "malformed-request", "Malformed request", detail).withField(field);
    }

    private static Problem unauthorizedProblem() {
        return Problem.of(401, "unauthorized", "Unauthorized", "A valid bearer token is required.");
    }

    private static Problem forbiddenProblem() {
        return Problem.of(403, "forbidden", "Forbidden", "This call needs a role the caller does not have.");
    }

    private static Problem webApplicationProblem(WebApplicationException e) {
        // RESTEasy Reactive wraps a syntactically broken JSON body in a 400 WebApplicationException.
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformed(json);
        }
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase()
                : "Error";
        String slug = ProblemCatalogue.slugForStatus(status, title);
        if (status >= 500) {
            LOG.errorf("request failed with %d (%s)", status, e.getClass().getName());
        }
        return Problem.of(status, slug, title, status == 404 ? "No such resource." : title + ".");
    }

    private static Problem unexpectedProblem(Throwable e) {
        String errorId = UUID.randomUUID().toString();
        // The stack trace helps operators; the message is left out as it may quote input.
        LOG.errorf("unexpected error %s: %s", errorId, e.getClass().getName());
        LOG.debug("unexpected error " + errorId, e);
        return Problem.of(
                500, "internal-error", "Internal error", "Something went wrong on our side. Error id " + errorId + ".");
    }
}
