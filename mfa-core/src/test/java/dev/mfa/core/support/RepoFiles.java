package dev.mfa.core.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository, found upwards from the module directory (surefire runs in the module directory). */
public final class RepoFiles {

    private RepoFiles() {}

    /** The nearest directory at or above the working directory that holds {@code relative}. */
    public static Path rootHolding(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(relative))) {
                return p;
            }
        }
        throw new IllegalStateException(
                relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** {@code relative} resolved against {@link #rootHolding}. */
    public static Path find(String relative) {
        return rootHolding(relative).resolve(relative);
    }
}
