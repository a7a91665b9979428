package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.password.PasswordHashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local verifier reads what the seed loader writes, and follows changes of the file. */
class FilePasswordVerifierTest {

    @Test
    void checksTheSeedLoadersHashesAtProductionCost(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("password-hashes.json");
        Files.writeString(file, "{\"alice\":\"" + PasswordHashes.hash("alice-pw".toCharArray()) + "\"}");
        FilePasswordVerifier verifier = new FilePasswordVerifier(file);
        assertThat(verifier.verify("alice", "alice-pw".toCharArray())).isTrue();
        assertThat(verifier.verify("alice", "alice-pW".toCharArray())).isFalse();
        assertThat(verifier.verify("bob", "alice-pw".toCharArray())).isFalse();
    }

    @Test
    void reloadsWhenTheFileChangesAndRefusesMalformedHashes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("password-hashes.json");
        FilePasswordVerifier verifier = new FilePasswordVerifier(file);
        assertThat(verifier.verify("carol", "pw".toCharArray())).isFalse(); // no file yet
        Files.writeString(
                file,
                "{\"carol\":\"" + PasswordHashes.hash("pw".toCharArray(), 1000) + "\","
                        + "\"dave\":\"plain-text\",\"erin\":\"pbkdf2-sha256$99999999$AAAA$AAAA\"}");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000));
        assertThat(verifier.verify("carol", "pw".toCharArray())).isTrue();
        assertThat(verifier.verify("dave", "plain-text".toCharArray())).isFalse();
        assertThat(verifier.verify("erin", "x".toCharArray())).isFalse();
        Files.writeString(file, "{\"carol\":\"" + PasswordHashes.hash("new".toCharArray(), 1000) + "\"}");
        Files.setLastModifiedTime(file, FileTime.fromMillis(2_000));
        assertThat(verifier.verify("carol", "pw".toCharArray())).isFalse();
        assertThat(verifier.verify("carol", "new".toCharArray())).isTrue();
    }
}
