package dev.mfa.enrollment.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.password.PasswordHashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * Local password verifier: a JSON file {@code {"<userId>":"pbkdf2-sha256$<iterations>$<saltB64>$<hashB64>"}}
 * ({@link PasswordHashes}) written by the local seed loader. Re-read when the file changes.
 */
public final class FilePasswordVerifier implements PasswordVerifier {

    private final Path file;
    private final ObjectMapper mapper = new ObjectMapper();
    private volatile Map<String, String> hashes = Map.of();
    private volatile FileTime loadedAt;

    public FilePasswordVerifier(Path file) {
        this.file = file;
    }

    @Override
    public boolean verify(String userId, char[] password) {
        return PasswordHashes.verify(password, load().get(userId));
    }

    private Map<String, String> load() {
        try {
            if (!Files.isRegularFile(file)) {
                return Map.of();
            }
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedAt)) {
                synchronized (this) {
                    if (!modified.equals(loadedAt)) {
                        hashes = Map.copyOf(
                                mapper.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}));
                        loadedAt = modified;
                    }
                }
            }
            return hashes;
        } catch (IOException e) {
            // The message may name the file but never a hash.
            throw new UncheckedIOException(
                    "cannot read the password file",
                    new IOException(e.getClass().getSimpleName()));
        }
    }
}
