package dev.mfa.systemtests.web;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Saves the browser's screenshot and page source under target/system-tests/web/ when a test fails. */
public final class CaptureOnFailure implements TestWatcher {

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Browser b = Browser.current();
        if (b != null) {
            b.captureFailure(context.getRequiredTestClass().getSimpleName() + "-" + context.getDisplayName());
        }
    }
}
