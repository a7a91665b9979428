package dev.mfa.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay renders offline, and every resource fits its typed model or schema. */
class ManifestModelTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    @Test
    void thereAreDevAndProdOverlays() {
        assertThat(Repo.overlays()).containsExactly("dev", "prod");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyResourceFitsItsTypedModel(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay); // throws on the first resource that does not fit
        assertThat(r.raw()).hasSameSizeAs(r.typed());
        assertThat(r.typed()).allSatisfy(t -> assertThat(Models.KINDS).containsValue(t.getClass()));
        // 16 topics, 4 users, cluster + 4 databases, and per service at least SA, ConfigMap, Deployment, Service, PDB.
        assertThat(r.raw()).hasSizeGreaterThan(16 + 4 + 5 + 4 * 5);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyResourceIsUniqueAndInTheOverlayNamespace(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        JsonNode k = Yaml.readAll(
                        Repo.k8s().resolve("overlays").resolve(overlay).resolve("kustomization.yaml"))
                .get(0);
        String ns = k.path("namespace").asText();
        assertThat(ns).isNotBlank();
        Set<String> ids = new HashSet<>();
        for (ObjectNode o : r.raw()) {
            assertThat(ids.add(Kustomize.id(o)))
                    .as("duplicate %s", Kustomize.id(o))
                    .isTrue();
            assertThat(o.path("metadata").path("namespace").asText())
                    .as(Kustomize.id(o))
                    .isEqualTo(ns);
            assertThat(o.path("metadata")
                            .path("labels")
                            .path("app.kubernetes.io/part-of")
                            .asText())
                    .as("%s carries app.kubernetes.io/part-of", Kustomize.id(o))
                    .isEqualTo("mfa-platform");
        }
    }

    @Test
    void devAndProdDifferOnlyWhereIntended() {
        Repo.Rendered dev = Repo.rendered("dev");
        Repo.Rendered prod = Repo.rendered("prod");
        assertThat(dev.raw()).hasSameSizeAs(prod.raw());
        assertThat(prod.text()).doesNotContain("mfa-dev").doesNotContain(":dev\n");
    }

    /**
     * Cross-check of the pure-Java renderer against the real kustomize built into kubectl, where one is installed
     * (it is not needed by the build; skipped without it).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void rendererAgreesWithKubectlKustomizeWhenAvailable(String overlay) throws Exception {
        String kubectl = findOnPath("kubectl");
        assumeTrue(kubectl != null, "kubectl is not installed: cross-check skipped");
        Path out = java.nio.file.Files.createTempFile("kustomize-" + overlay, ".yaml");
        Process p = new ProcessBuilder(
                        kubectl,
                        "kustomize",
                        Repo.k8s().resolve("overlays").resolve(overlay).toString())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assumeTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "kubectl kustomize did not run here");
        Map<String, JsonNode> theirs = byId(Yaml.readAll(out));
        Map<String, JsonNode> ours = byId(List.copyOf(Repo.rendered(overlay).raw()));
        assertThat(ours.keySet()).isEqualTo(theirs.keySet());
        for (String id : ours.keySet()) {
            assertThat(ours.get(id)).as(id).isEqualTo(theirs.get(id));
        }
    }

    private static Map<String, JsonNode> byId(List<? extends JsonNode> docs) {
        Map<String, JsonNode> m = new TreeMap<>();
        docs.forEach(d -> m.put(Kustomize.id(d), d));
        return m;
    }

    private static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
