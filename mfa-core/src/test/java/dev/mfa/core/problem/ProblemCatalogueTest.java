package dev.mfa.core.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.support.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One problem catalogue (issue 14): every problem type thrown anywhere in the platform's main sources is in
 * {@link ProblemCatalogue}, with the status it is thrown with, and every catalogue entry is thrown somewhere.
 */
class ProblemCatalogueTest {

    private static final Map<String, Integer> FACTORY_STATUS = Map.of(
            "unauthorized",
            401,
            "forbidden",
            403,
            "conflict",
            409,
            "gone",
            410,
            "unprocessable",
            422,
            "tooManyRequests",
            429);
    /** {@code ProblemException.conflict("slug", ...)} and the other factories that take a slug. */
    private static final Pattern FACTORY = Pattern.compile("ProblemException\\.(\\w+)\\(\\s*\"([a-z0-9-]+)\"");
    /** {@code Problem.of(409, "slug", ...)}, and the web edge's {@code Problems.send(res, 409, "slug", ...)}. */
    private static final Pattern LITERAL = Pattern.compile(
            "(?:Problem\\.of|Problems\\.send)\\(\\s*(?:\\w+\\s*,\\s*)?(\\d{3})\\s*,\\s*\"([a-z0-9-]+)\"");
    /** The factories whose type is fixed. */
    private static final Map<String, ProblemCatalogue> FIXED = Map.of(
            "badRequest",
            ProblemCatalogue.INVALID_REQUEST,
            "invalidRequest",
            ProblemCatalogue.INVALID_REQUEST,
            "notFound",
            ProblemCatalogue.NOT_FOUND);
    /** Types the HTTP layer answers by status ({@link ProblemCatalogue#slugForStatus}), not by a literal. */
    private static final Set<ProblemCatalogue> BY_STATUS = Set.of(
            ProblemCatalogue.HTTP_METHOD_NOT_ALLOWED,
            ProblemCatalogue.NOT_ACCEPTABLE,
            ProblemCatalogue.UNSUPPORTED_MEDIA_TYPE);

    record Use(String slug, int status, String where) {}

    @Test
    void everyThrownTypeIsCataloguedWithTheStatusItIsThrownWith() {
        List<Use> uses = uses();
        assertThat(uses).as("problem types found in the sources").hasSizeGreaterThan(40);
        List<String> wrong = new ArrayList<>();
        for (Use u : uses) {
            ProblemCatalogue entry = ProblemCatalogue.bySlug(u.slug()).orElse(null);
            if (entry == null) {
                wrong.add(u.where() + ": '" + u.slug() + "' is not in ProblemCatalogue");
            } else if (entry.status() != u.status()) {
                wrong.add(u.where() + ": '" + u.slug() + "' thrown with " + u.status() + ", catalogued as "
                        + entry.status());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyCatalogueEntryIsUsed() {
        Set<String> used = new TreeSet<>();
        uses().forEach(u -> used.add(u.slug()));
        List<String> unused = Stream.of(ProblemCatalogue.values())
                .filter(e -> !BY_STATUS.contains(e))
                .map(ProblemCatalogue::slug)
                .filter(s -> !used.contains(s))
                .toList();
        assertThat(unused).as("catalogue entries nothing throws").isEmpty();
    }

    @Test
    void theHttpLayerNamesStatusesWithoutClashingWithDomainTypes() {
        assertThat(ProblemCatalogue.slugForStatus(405, "Method Not Allowed")).isEqualTo("http-method-not-allowed");
        assertThat(ProblemCatalogue.slugForStatus(400, "Bad Request")).isEqualTo("malformed-request");
        assertThat(ProblemCatalogue.slugForStatus(415, "Unsupported Media Type"))
                .isEqualTo("unsupported-media-type");
        assertThat(ProblemCatalogue.slugForStatus(406, "Not Acceptable")).isEqualTo("not-acceptable");
        for (ProblemCatalogue e : BY_STATUS) {
            assertThat(ProblemCatalogue.slugForStatus(e.status(), e.name().replace('_', ' ')))
                    .isEqualTo(e.slug());
        }
    }

    private static List<Use> uses() {
        Path root = repoRoot();
        List<Use> uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> root.relativize(p)
                            .toString()
                            .replace('\\', '/')
                            .matches("(deploy/)?[^/]+/src/main/java/.*"))
                    .forEach(p -> uses.addAll(uses(root, p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    private static List<Use> uses(Path root, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String where = root.relativize(file).toString();
        List<Use> uses = new ArrayList<>();
        Matcher m = FACTORY.matcher(text);
        while (m.find()) {
            Integer status = FACTORY_STATUS.get(m.group(1));
            if (status != null) {
                uses.add(new Use(m.group(2), status, where));
            }
        }
        m = LITERAL.matcher(text);
        while (m.find()) {
            uses.add(new Use(m.group(2), Integer.parseInt(m.group(1)), where));
        }
        for (Map.Entry<String, ProblemCatalogue> fixed : FIXED.entrySet()) {
            if (text.contains("ProblemException." + fixed.getKey() + "(")) {
                uses.add(new Use(fixed.getValue().slug(), fixed.getValue().status(), where));
            }
        }
        return uses;
    }

    private static Path repoRoot() {
        return RepoFiles.rootHolding("mfa-core/pom.xml");
    }
}
