package dev.mfa.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The environment and Secret files a Deployment's container gets from a rendered overlay, as the kubelet would
 * assemble them: {@code envFrom} ConfigMaps in order (a later one wins), then {@code env} (wins over envFrom), with
 * {@code configMapKeyRef} resolved from the rendered ConfigMaps and {@code secretKeyRef} left as a reference (no
 * Secret is rendered: operators create them). Secret volumes are listed with their projected items.
 *
 * <p>Public, with {@link ProdProfile}, for the production-profile boot test of deploy/system-tests (this module's
 * test-jar); anything the renderer or this class does not understand fails rather than being skipped.
 */
public final class PodEnvironment {

    /** One key of one Secret. */
    public record SecretKey(String secret, String key) {}

    /** An environment value: a literal, or a Secret key the operator provides. */
    public record Value(String literal, SecretKey secretKey) {
        public boolean fromSecret() {
            return secretKey != null;
        }
    }

    /** A file the pod sees at {@code mountPath/path}, holding {@code key} of Secret {@code secret}. */
    public record SecretFile(String mountPath, String path, String secret, String key) {
        public String containerPath() {
            return mountPath + "/" + path;
        }
    }

    private final String deployment;
    private final Map<String, Value> variables;
    private final List<SecretFile> secretFiles;

    private PodEnvironment(String deployment, Map<String, Value> variables, List<SecretFile> secretFiles) {
        this.deployment = deployment;
        this.variables = Collections.unmodifiableMap(variables);
        this.secretFiles = List.copyOf(secretFiles);
    }

    /** Renders {@code k8sDir/overlays/<overlay>} and reads the Deployment {@code deployment} (one container). */
    public static PodEnvironment of(Path k8sDir, String overlay, String deployment) {
        return of(Kustomize.render(k8sDir.resolve("overlays").resolve(overlay)), deployment);
    }

    static PodEnvironment of(List<ObjectNode> rendered, String deployment) {
        ObjectNode d = one(rendered, "Deployment", deployment);
        JsonNode pod = d.path("spec").path("template").path("spec");
        JsonNode containers = pod.path("containers");
        if (containers.size() != 1) {
            throw new IllegalStateException(deployment + ": expected one container, found " + containers.size());
        }
        JsonNode c = containers.get(0);
        Map<String, Value> vars = new LinkedHashMap<>();
        for (JsonNode from : c.path("envFrom")) {
            if (from.has("secretRef") || !from.has("configMapRef")) {
                throw new IllegalStateException(deployment + ": unsupported envFrom " + from);
            }
            String prefix = from.path("prefix").asText("");
            JsonNode data = one(
                            rendered,
                            "ConfigMap",
                            from.path("configMapRef").path("name").asText())
                    .path("data");
            data.fields()
                    .forEachRemaining(e ->
                            vars.put(prefix + e.getKey(), new Value(e.getValue().asText(), null)));
        }
        for (JsonNode e : c.path("env")) {
            String name = e.path("name").asText();
            if (e.has("value")) {
                vars.put(name, new Value(e.path("value").asText(), null));
                continue;
            }
            JsonNode from = e.path("valueFrom");
            if (from.has("secretKeyRef")) {
                JsonNode ref = from.get("secretKeyRef");
                vars.put(
                        name,
                        new Value(
                                null,
                                new SecretKey(
                                        ref.path("name").asText(),
                                        ref.path("key").asText())));
            } else if (from.has("configMapKeyRef")) {
                JsonNode ref = from.get("configMapKeyRef");
                JsonNode v = one(rendered, "ConfigMap", ref.path("name").asText())
                        .path("data")
                        .get(ref.path("key").asText());
                if (v == null) {
                    throw new IllegalStateException(deployment + ": " + name + " names a missing ConfigMap key " + ref);
                }
                vars.put(name, new Value(v.asText(), null));
            } else {
                throw new IllegalStateException(deployment + ": unsupported env source for " + name + ": " + from);
            }
        }
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        List<SecretFile> files = new ArrayList<>();
        for (JsonNode m : c.path("volumeMounts")) {
            JsonNode v = Objects.requireNonNull(volumes.get(m.path("name").asText()), "volume " + m.path("name"));
            if (!v.has("secret")) {
                continue;
            }
            if (m.has("subPath") || !v.path("secret").path("items").isArray()) {
                throw new IllegalStateException(deployment + ": a Secret volume must project named items, no subPath");
            }
            for (JsonNode item : v.path("secret").path("items")) {
                files.add(new SecretFile(
                        m.path("mountPath").asText(),
                        item.path("path").asText(),
                        v.path("secret").path("secretName").asText(),
                        item.path("key").asText()));
            }
        }
        return new PodEnvironment(deployment, vars, files);
    }

    private static ObjectNode one(List<ObjectNode> rendered, String kind, String name) {
        List<ObjectNode> found = rendered.stream()
                .filter(r -> kind.equals(r.path("kind").asText())
                        && name.equals(r.path("metadata").path("name").asText()))
                .toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + kind + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    public String deployment() {
        return deployment;
    }

    /** Every variable the container gets, in the kubelet's order of precedence already applied. */
    public Map<String, Value> variables() {
        return variables;
    }

    public List<SecretFile> secretFiles() {
        return secretFiles;
    }
}
