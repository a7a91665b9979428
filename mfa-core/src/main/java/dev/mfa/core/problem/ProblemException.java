package dev.mfa.core.problem;

/** Thrown by services to answer with a problem response; carries no sensitive data by construction. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** A request that was read but does not say what the call needs (a field missing, empty or out of range). */
    public static ProblemException badRequest(String detail) {
        return invalidRequest(null, detail);
    }

    /** As {@link #badRequest}, naming the field at fault ({@code null} for the body as a whole). */
    public static ProblemException invalidRequest(String field, String detail) {
        return new ProblemException(
                Problem.of(400, "invalid-request", "Invalid request", detail).withField(field));
    }

    public static ProblemException unauthorized(String slug, String detail) {
        return new ProblemException(Problem.of(401, slug, "Unauthorized", detail));
    }

    public static ProblemException forbidden(String slug, String detail) {
        return new ProblemException(Problem.of(403, slug, "Forbidden", detail));
    }

    /** Also used for other users' and other orgs' resources, so that their existence is not revealed. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "not-found", "Not found", detail));
    }

    public static ProblemException conflict(String slug, String detail) {
        return new ProblemException(Problem.of(409, slug, "Conflict", detail));
    }

    public static ProblemException gone(String slug, String detail) {
        return new ProblemException(Problem.of(410, slug, "Gone", detail));
    }

    public static ProblemException unprocessable(String slug, String detail, String field) {
        return new ProblemException(
                Problem.of(422, slug, "Unprocessable input", detail).withField(field));
    }

    public static ProblemException tooManyRequests(String slug, String detail, long retryAfterSeconds) {
        return new ProblemException(Problem.of(429, slug, "Too many requests", detail)
                .withRetryAfterSeconds(Math.max(1, retryAfterSeconds)));
    }
}
