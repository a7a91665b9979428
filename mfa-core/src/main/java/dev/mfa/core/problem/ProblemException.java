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

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "bad-request", "Bad request", detail));
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
        return new ProblemException(Problem.of(422, slug, "Unprocessable input", detail).withField(field));
    }

    public static ProblemException tooManyRequests(String slug, String detail, long retryAfterSeconds) {
        return new ProblemException(Problem.of(429, slug, "Too many requests", detail)
                .withRetryAfterSeconds(Math.max(1, retryAfterSeconds)));
    }
}
