package dev.mfa.verification.rest;

import dev.mfa.core.problem.Problem;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.service.VerificationService;

/**
 * What {@code POST /challenges/{id}/verify} answers (CONTRACT §4), in one place for both ways it is served: the
 * resource and {@link DirectVerifyRoute}.
 */
final class VerifyAnswers {

    static final String PROBLEM_BASE = "https://mfa.dev/problems/";
    /** The codes the methods accept are far shorter; anything longer is refused before any work. */
    static final int MAX_CODE_LENGTH = 64;

    private VerifyAnswers() {}

    /**
     * An answer that is not a {@link Problem}: the 200, or the 401 with the attempts left. A null media type is the
     * resource's own ({@code application/json}).
     */
    record Answer(int status, String mediaType, Object entity, Long retryAfterSeconds) {}

    /** The method of a well-formed request; throws the problem a malformed one answers. */
    static Method methodOf(Dtos.VerifyRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("A body {\"method\",\"code\"} is required.");
        }
        Method method = Method.parse(body.method())
                .orElseThrow(() -> ProblemException.unprocessable(
                        "unknown-method", "method must be one of TOTP, SMS, RECOVERY_CODE.", "method"));
        if (body.code() == null || body.code().isBlank() || body.code().length() > MAX_CODE_LENGTH) {
            throw ProblemException.invalidRequest("code", "A code is required.");
        }
        return method;
    }

    /** The answer to an outcome; throws the problem a throttled or locked user is answered. */
    static Answer answer(VerificationService.Outcome outcome) {
        if (outcome instanceof VerificationService.Verified v) {
            return new Answer(200, null, new Dtos.Verified(true, v.assertion(), v.recoveryCodeUsed()), null);
        }
        if (outcome instanceof VerificationService.Rejected r) {
            return new Answer(
                    401,
                    Problem.MEDIA_TYPE,
                    new Dtos.VerificationFailed(
                            PROBLEM_BASE + "verification-failed",
                            "Unauthorized",
                            401,
                            "The code is not valid.",
                            false,
                            r.attemptsRemaining(),
                            r.retryAfterSeconds()),
                    r.retryAfterSeconds());
        }
        if (outcome instanceof VerificationService.Throttled t) {
            throw ProblemException.tooManyRequests(
                    "verification-throttled",
                    "Too many failed attempts: wait before trying again.",
                    t.retryAfterSeconds());
        }
        throw new ProblemException(Problem.of(
                429,
                "user-locked",
                "Too many requests",
                "Too many failed attempts: sign in with your recovery code, or ask your administrator to reset "
                        + "your verification methods."));
    }
}
