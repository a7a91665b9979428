package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.mfa.core.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import org.mockito.Answers;
import org.mockito.stubbing.Answer;

/**
 * What the rule tests share: mocks whose unstubbed {@code Uni} methods complete empty instead of null, and the check
 * that a call is refused with a given problem.
 */
final class RuleTests {

    private static final Answer<Object> EMPTY_UNI =
            invocation -> invocation.getMethod().getReturnType() == Uni.class
                    ? Uni.createFrom().nullItem()
                    : Answers.RETURNS_DEFAULTS.answer(invocation);

    private RuleTests() {}

    static <T> T uniMock(Class<T> type) {
        return mock(type, withSettings().defaultAnswer(EMPTY_UNI));
    }

    static <T> Uni<T> item(T value) {
        return Uni.createFrom().item(value);
    }

    static <T> T await(Uni<T> uni) {
        return uni.await().indefinitely();
    }

    static void refused(Runnable call, int status, String slug) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(status);
            assertThat(e.problem().type()).endsWith("/" + slug);
        });
    }

    /** A 422 naming the field at fault. */
    static void refused(Runnable call, String slug, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(422);
            assertThat(e.problem().type()).endsWith("/" + slug);
            assertThat(e.problem().field()).isEqualTo(field);
        });
    }
}
