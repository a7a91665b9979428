package dev.mfa.enrollment.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.password.PasswordHashes;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The password file of the tests (a temp file, in the format the seed loader writes). Tests register users as they
 * need them; each write gets a new modification time so that the verifier reloads it.
 */
public class TestPasswords implements QuarkusTestResourceLifecycleManager {

    private static final String PROPERTY = "mfa.test.password-file";
    private static final Object LOCK = "dev.mfa.enrollment.support.TestPasswords#LOCK";
    /** Cheap on purpose in tests; the production cost is covered by FilePasswordVerifierTest. */
    public static final int TEST_ITERATIONS = 1_000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static long fakeMtime = 1_000_000_000_000L;

    @Override
    public Map<String, String> start() {
        return Map.of("mfa.reauth.password-file", file().toString(), "mfa.reauth.verifier", "file");
    }

    @Override
    public void stop() {}

    public static Path file() {
        synchronized (LOCK) {
            String existing = System.getProperty(PROPERTY);
            if (existing != null) {
                return Path.of(existing);
            }
            try {
                Path dir = Files.createTempDirectory("mfa-enrollment-passwords-");
                Path file = dir.resolve("password-hashes.json");
                Files.writeString(file, "{}");
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                System.setProperty(PROPERTY, file.toString());
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static void register(String userId, String password) {
        register(userId, password, TEST_ITERATIONS);
    }

    public static void register(String userId, String password, int iterations) {
        synchronized (LOCK) {
            try {
                Path file = file();
                Map<String, String> all =
                        new LinkedHashMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}));
                byte[] salt = new byte[16];
                RANDOM.nextBytes(salt);
                all.put(userId, PasswordHashes.hash(password.toCharArray(), salt, iterations));
                Path tmp = file.resolveSibling("password-hashes.json.tmp");
                Files.write(tmp, JSON.writeValueAsBytes(all));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                fakeMtime += 1000;
                Files.setLastModifiedTime(file, FileTime.fromMillis(fakeMtime));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
