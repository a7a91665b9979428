package dev.mfa.systemtests.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the platform once for the whole test run (the first class that needs it) and stops it when the run ends:
 * the root store closes the {@link Platform} ({@code run.sh --stop}), also when tests failed.
 */
public final class PlatformExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PlatformExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).computeIfAbsent(Platform.class, k -> Platform.get(), Platform.class);
    }
}
