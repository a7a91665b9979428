package dev.mfa.core.inbox;

import dev.mfa.core.crypto.FieldCipherException;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.problem.ProblemException;

/**
 * Tells a failure worth retrying (an unreachable database or broker, a serialization conflict) from one that
 * will fail the same way every time (a malformed event, a ciphertext under an unknown key, a programming error):
 * only the latter goes straight to the dead-letter topic.
 */
public final class TransientFailures {

    private TransientFailures() {}

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EventCodec.EventFormatException
                    || t instanceof FieldCipherException
                    || t instanceof ProblemException
                    || t instanceof IllegalArgumentException
                    || t instanceof NullPointerException
                    || t instanceof ClassCastException
                    || t instanceof UnsupportedOperationException) {
                return false;
            }
        }
        return true;
    }
}
