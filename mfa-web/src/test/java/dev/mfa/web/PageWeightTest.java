package dev.mfa.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 17: every page, script and style sheet together stays under 150 KB before compression. */
class PageWeightTest {

    private static final Path PAGES = Path.of("src/main/resources/META-INF/resources");
    private static final long LIMIT = 150L * 1024;

    @Test
    void allPagesTogetherWeighLessThan150Kb() throws IOException {
        long total;
        long files;
        try (Stream<Path> all = Files.walk(PAGES)) {
            var list = all.filter(Files::isRegularFile).toList();
            files = list.size();
            total = list.stream().mapToLong(PageWeightTest::size).sum();
        }
        assertThat(files).as("pages found").isGreaterThan(5);
        assertThat(total).as("bytes of all pages, scripts and styles").isLessThan(LIMIT);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
