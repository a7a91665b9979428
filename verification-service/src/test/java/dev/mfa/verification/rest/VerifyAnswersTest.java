package dev.mfa.verification.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mfa.core.problem.Problem;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.service.VerificationService;
import org.junit.jupiter.api.Test;

/** The verify's checks and answers, which the resource and the direct route share. */
class VerifyAnswersTest {

    private static Problem refused(Dtos.VerifyRequest body) {
        return catchThrowableOfType(ProblemException.class, () -> VerifyAnswers.methodOf(body))
                .problem();
    }

    @Test
    void aWellFormedRequestNamesItsMethod() {
        assertThat(VerifyAnswers.methodOf(new Dtos.VerifyRequest("TOTP", "123456")))
                .isEqualTo(Method.TOTP);
        assertThat(VerifyAnswers.methodOf(new Dtos.VerifyRequest("RECOVERY_CODE", "1".repeat(64))))
                .isEqualTo(Method.RECOVERY_CODE);
    }

    @Test
    void aMissingBodyAnUnknownMethodAndABadCodeAreRefusedInThatOrder() {
        assertThat(refused(null).status()).isEqualTo(400);
        assertThat(refused(null).type()).endsWith("/invalid-request");
        Problem unknown = refused(new Dtos.VerifyRequest("EMAIL", null));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.type()).endsWith("/unknown-method");
        assertThat(unknown.field()).isEqualTo("method");
        for (String code : new String[] {null, "", "  ", "1".repeat(VerifyAnswers.MAX_CODE_LENGTH + 1)}) {
            Problem bad = refused(new Dtos.VerifyRequest("TOTP", code));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.field()).isEqualTo("code");
            assertThat(bad.detail()).doesNotContain("1111");
        }
    }

    @Test
    void eachOutcomeHasItsAnswer() {
        VerifyAnswers.Answer verified = VerifyAnswers.answer(new VerificationService.Verified("a.b.c", true));
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.mediaType()).isNull(); // the resource's own application/json
        assertThat(verified.entity()).isEqualTo(new Dtos.Verified(true, "a.b.c", true));
        assertThat(verified.retryAfterSeconds()).isNull();

        VerifyAnswers.Answer rejected = VerifyAnswers.answer(new VerificationService.Rejected(0, 4L));
        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.mediaType()).isEqualTo(Problem.MEDIA_TYPE);
        assertThat(rejected.retryAfterSeconds()).isEqualTo(4L);
        assertThat(rejected.entity()).isInstanceOfSatisfying(Dtos.VerificationFailed.class, failed -> {
            assertThat(failed.verified()).isFalse();
            assertThat(failed.attemptsRemaining()).isZero();
            assertThat(failed.retryAfterSeconds()).isEqualTo(4L);
        });
        assertThat(VerifyAnswers.answer(new VerificationService.Rejected(3, null))
                        .retryAfterSeconds())
                .isNull();

        Problem throttled = catchThrowableOfType(
                        ProblemException.class, () -> VerifyAnswers.answer(new VerificationService.Throttled(0)))
                .problem();
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.type()).endsWith("/verification-throttled");
        assertThat(throttled.retryAfterSeconds()).isEqualTo(1L); // never "retry after 0 s"

        Problem locked = catchThrowableOfType(
                        ProblemException.class, () -> VerifyAnswers.answer(new VerificationService.Locked()))
                .problem();
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.type()).endsWith("/user-locked");
        assertThat(locked.retryAfterSeconds()).isNull();
    }
}
