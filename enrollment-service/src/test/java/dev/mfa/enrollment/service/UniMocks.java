package dev.mfa.enrollment.service;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import io.smallrye.mutiny.Uni;
import org.mockito.Answers;
import org.mockito.stubbing.Answer;

/** Mocks of repositories and collaborators whose unstubbed {@code Uni} methods complete empty instead of null. */
final class UniMocks {

    private static final Answer<Object> EMPTY_UNI =
            invocation -> invocation.getMethod().getReturnType() == Uni.class
                    ? Uni.createFrom().nullItem()
                    : Answers.RETURNS_DEFAULTS.answer(invocation);

    private UniMocks() {}

    static <T> T uniMock(Class<T> type) {
        return mock(type, withSettings().defaultAnswer(EMPTY_UNI));
    }

    static <T> Uni<T> item(T value) {
        return Uni.createFrom().item(value);
    }

    static <T> T await(Uni<T> uni) {
        return uni.await().indefinitely();
    }
}
