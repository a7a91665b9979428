package dev.mfa.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small, strict, pure-Java renderer for the subset of kustomize that deploy/k8s uses (no binary, no network).
 *
 * <p>Supported kustomization fields: {@code apiVersion}, {@code kind}, {@code resources} (local files and local
 * directories holding a kustomization.yaml), {@code namespace}, {@code images} ({@code name}, {@code newName},
 * {@code newTag}, {@code digest}) and {@code patches} ({@code path} or inline {@code patch}, optional {@code target}
 * with {@code group}, {@code version}, {@code kind}, {@code name} (anchored regexes as in kustomize),
 * {@code namespace} and an equality-only {@code labelSelector}). A patch whose document is a YAML list is a
 * JSON6902 patch ({@code add}, {@code remove}, {@code replace}, {@code test}); otherwise it is a strategic-merge patch.
 *
 * <p>Order, as in kustomize: resources (depth first, in listed order), patches, namespace, images.
 *
 * <p>Stricter than kustomize, never looser: any other kustomization field, a remote resource, a {@code $patch}
 * directive, a strategic merge of a built-in list whose merge key is not in {@link #MERGE_KEYS}, a patch that
 * matches no resource, or two resources with the same id fail the render.
 */
final class Kustomize {

    static final Set<String> SUPPORTED_FIELDS =
            Set.of("apiVersion", "kind", "resources", "namespace", "images", "patches");
    static final Set<String> TARGET_FIELDS = Set.of("group", "version", "kind", "name", "namespace", "labelSelector");

    /** Strategic-merge keys of the built-in list fields this renderer merges (as in the Kubernetes API types). */
    static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name",
            "initContainers", "name",
            "env", "name",
            "volumes", "name",
            "volumeMounts", "mountPath");

    /** Kinds kustomize leaves without a namespace. */
    static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "ClusterRole",
            "ClusterRoleBinding",
            "CustomResourceDefinition",
            "PersistentVolume",
            "StorageClass",
            "PriorityClass",
            "IngressClass");

    private Kustomize() {}

    /** Renders the kustomization in {@code dir}; each element is one resource. */
    static List<ObjectNode> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new KustomizeException("no kustomization.yaml in " + dir);
        }
        List<JsonNode> docs = Yaml.readAll(file);
        if (docs.size() != 1 || !docs.get(0).isObject()) {
            throw new KustomizeException(file + ": expected one mapping");
        }
        ObjectNode k = (ObjectNode) docs.get(0);
        for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!SUPPORTED_FIELDS.contains(field)) {
                throw new KustomizeException(file + ": field '" + field + "' is outside the supported subset");
            }
        }
        if (!"kustomize.config.k8s.io/v1beta1".equals(k.path("apiVersion").asText())
                || !"Kustomization".equals(k.path("kind").asText())) {
            throw new KustomizeException(file + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
        }

        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (JsonNode entry : k.path("resources")) {
            String ref = entry.asText();
            if (ref.contains("://") || ref.startsWith("github.com") || ref.contains("?ref=")) {
                throw new KustomizeException(file + ": remote resource '" + ref + "' is not supported");
            }
            Path path = dir.resolve(ref).normalize();
            List<ObjectNode> loaded;
            if (Files.isDirectory(path)) {
                loaded = render(path);
            } else if (Files.isRegularFile(path)) {
                loaded = new ArrayList<>();
                for (JsonNode doc : Yaml.readAll(path)) {
                    if (doc == null || doc.isNull() || doc.isMissingNode()) {
                        continue;
                    }
                    if (!doc.isObject()
                            || !doc.hasNonNull("apiVersion")
                            || !doc.hasNonNull("kind")
                            || !doc.path("metadata").hasNonNull("name")) {
                        throw new KustomizeException(
                                path + ": every document needs apiVersion, kind and metadata.name");
                    }
                    loaded.add((ObjectNode) doc);
                }
            } else {
                throw new KustomizeException(file + ": resource '" + ref + "' does not exist");
            }
            for (ObjectNode r : loaded) {
                String id = id(r);
                if (byId.putIfAbsent(id, r) != null) {
                    throw new KustomizeException(file + ": resource " + id + " is defined twice");
                }
            }
        }
        List<ObjectNode> resources = new ArrayList<>(byId.values());

        for (JsonNode patch : k.path("patches")) {
            applyPatch(dir, file, patch, resources);
        }
        if (k.hasNonNull("namespace")) {
            String ns = k.get("namespace").asText();
            for (ObjectNode r : resources) {
                if (!CLUSTER_SCOPED.contains(r.path("kind").asText())) {
                    ((ObjectNode) r.get("metadata")).put("namespace", ns);
                }
            }
        }
        for (JsonNode image : k.path("images")) {
            for (ObjectNode r : resources) {
                setImages(r, image);
            }
        }
        return resources;
    }

    /** kustomize's resource id: group/version/kind, namespace, name. */
    static String id(JsonNode r) {
        return r.path("apiVersion").asText() + "/" + r.path("kind").asText() + "|"
                + r.path("metadata").path("namespace").asText("") + "|"
                + r.path("metadata").path("name").asText();
    }

    // ------------------------------------------------------------------------------------------------ patches

    private static void applyPatch(Path dir, Path file, JsonNode spec, List<ObjectNode> resources) {
        for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("path", "patch", "target").contains(f)) {
                throw new KustomizeException(file + ": patch field '" + f + "' is outside the supported subset");
            }
        }
        JsonNode body;
        String where;
        if (spec.hasNonNull("path")) {
            Path p = dir.resolve(spec.get("path").asText()).normalize();
            List<JsonNode> docs = Yaml.readAll(p);
            if (docs.size() != 1) {
                throw new KustomizeException(p + ": a patch file holds exactly one document");
            }
            body = docs.get(0);
            where = p.toString();
        } else if (spec.hasNonNull("patch")) {
            List<JsonNode> docs = Yaml.readAll(spec.get("patch").asText());
            if (docs.size() != 1) {
                throw new KustomizeException(file + ": an inline patch holds exactly one document");
            }
            body = docs.get(0);
            where = file + " (inline patch)";
        } else {
            throw new KustomizeException(file + ": a patch needs 'path' or 'patch'");
        }

        JsonNode target = spec.get("target");
        if (target != null) {
            for (Iterator<String> it = target.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!TARGET_FIELDS.contains(f)) {
                    throw new KustomizeException(where + ": target field '" + f + "' is outside the supported subset");
                }
            }
        }
        boolean json6902 = body.isArray();
        if (json6902 && target == null) {
            throw new KustomizeException(where + ": a JSON6902 patch needs a target");
        }
        if (!json6902 && !body.isObject()) {
            throw new KustomizeException(where + ": a patch is a mapping (strategic merge) or a list (JSON6902)");
        }

        int matched = 0;
        for (int i = 0; i < resources.size(); i++) {
            ObjectNode r = resources.get(i);
            boolean hit = target != null ? matches(target, r) : sameObject(body, r);
            if (!hit) {
                continue;
            }
            matched++;
            if (json6902) {
                resources.set(i, Json6902.apply(r, (ArrayNode) body, where));
            } else {
                ObjectNode p = body.deepCopy();
                // With a target, kustomize applies the patch to each match whatever name the patch carries.
                p.remove("apiVersion");
                p.remove("kind");
                JsonNode meta = p.get("metadata");
                if (meta instanceof ObjectNode m) {
                    m.remove("name");
                    m.remove("namespace");
                    if (m.isEmpty()) {
                        p.remove("metadata");
                    }
                }
                ObjectNode copy = r.deepCopy();
                merge(copy, p, builtIn(r), where, "");
                resources.set(i, copy);
            }
        }
        if (matched == 0) {
            throw new KustomizeException(where + ": the patch matches no resource");
        }
    }

    static String group(JsonNode r) {
        String api = r.path("apiVersion").asText();
        int slash = api.indexOf('/');
        return slash < 0 ? "" : api.substring(0, slash);
    }

    static String version(JsonNode r) {
        String api = r.path("apiVersion").asText();
        return api.substring(api.indexOf('/') + 1);
    }

    private static boolean builtIn(JsonNode r) {
        String g = group(r);
        return g.isEmpty() || !g.contains(".") || g.endsWith(".k8s.io");
    }

    private static boolean sameObject(JsonNode patch, JsonNode r) {
        return patch.path("apiVersion").asText().equals(r.path("apiVersion").asText())
                && patch.path("kind").asText().equals(r.path("kind").asText())
                && patch.path("metadata")
                        .path("name")
                        .asText()
                        .equals(r.path("metadata").path("name").asText());
    }

    private static boolean matches(JsonNode t, JsonNode r) {
        return regex(t, "group", group(r))
                && regex(t, "version", version(r))
                && regex(t, "kind", r.path("kind").asText())
                && regex(t, "name", r.path("metadata").path("name").asText())
                && regex(t, "namespace", r.path("metadata").path("namespace").asText(""))
                && labels(t.path("labelSelector").asText(""), r.path("metadata").path("labels"));
    }

    private static boolean regex(JsonNode t, String field, String value) {
        return !t.hasNonNull(field) || Pattern.matches(t.get(field).asText(), value);
    }

    private static boolean labels(String selector, JsonNode labels) {
        if (selector.isBlank()) {
            return true;
        }
        for (String term : selector.split(",")) {
            String[] kv = term.trim().split("=", -1);
            if (kv.length != 2 || kv[0].endsWith("!") || kv[1].startsWith("=")) {
                throw new KustomizeException("labelSelector '" + selector + "': only k=v terms are supported");
            }
            if (!kv[1].trim().equals(labels.path(kv[0].trim()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    /** Strategic merge of {@code patch} into {@code into}: maps merge, null deletes, keyed lists merge, others replace. */
    static void merge(ObjectNode into, ObjectNode patch, boolean builtIn, String where, String path) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            String at = path + "/" + key;
            if (key.startsWith("$")) {
                throw new KustomizeException(where + ": directive " + key + " at " + at + " is not supported");
            }
            JsonNode existing = into.get(key);
            if (value.isNull()) {
                into.remove(key);
            } else if (value.isObject() && existing != null && existing.isObject()) {
                merge((ObjectNode) existing, (ObjectNode) value, builtIn, where, at);
            } else if (value.isArray() && existing != null && existing.isArray() && builtIn) {
                String mergeKey = MERGE_KEYS.get(key);
                if (mergeKey == null) {
                    throw new KustomizeException(where + ": strategic merge of the list " + at
                            + " is outside the supported subset (no merge key known)");
                }
                mergeList((ArrayNode) existing, (ArrayNode) value, mergeKey, where, at);
            } else {
                into.set(key, value.deepCopy());
            }
        }
    }

    private static void mergeList(ArrayNode into, ArrayNode patch, String mergeKey, String where, String path) {
        for (JsonNode item : patch) {
            if (!item.isObject() || !item.hasNonNull(mergeKey)) {
                throw new KustomizeException(where + ": every item of " + path + " needs its merge key " + mergeKey);
            }
            ObjectNode found = null;
            for (JsonNode candidate : into) {
                if (candidate.path(mergeKey).equals(item.get(mergeKey))) {
                    found = (ObjectNode) candidate;
                }
            }
            if (found == null) {
                into.add(item.deepCopy());
            } else {
                merge(
                        found,
                        (ObjectNode) item,
                        true,
                        where,
                        path + "[" + item.get(mergeKey).asText() + "]");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- images

    private static void setImages(JsonNode node, JsonNode image) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if ((e.getKey().equals("containers") || e.getKey().equals("initContainers"))
                        && e.getValue().isArray()) {
                    for (JsonNode c : e.getValue()) {
                        if (c.hasNonNull("image")) {
                            ((ObjectNode) c)
                                    .put("image", newImage(c.get("image").asText(), image));
                        }
                    }
                } else {
                    setImages(e.getValue(), image);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> setImages(n, image));
        }
    }

    static String newImage(String current, JsonNode image) {
        for (Iterator<String> it = image.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("name", "newName", "newTag", "digest").contains(f)) {
                throw new KustomizeException("images field '" + f + "' is outside the supported subset");
            }
        }
        String name = current;
        String suffix = "";
        int at = current.indexOf('@');
        if (at >= 0) {
            name = current.substring(0, at);
            suffix = current.substring(at);
        } else {
            int colon = current.lastIndexOf(':');
            if (colon > current.lastIndexOf('/')) {
                name = current.substring(0, colon);
                suffix = current.substring(colon);
            }
        }
        if (!name.equals(image.path("name").asText())) {
            return current;
        }
        if (image.hasNonNull("newName")) {
            name = image.get("newName").asText();
        }
        if (image.hasNonNull("digest")) {
            suffix = "@" + image.get("digest").asText();
        } else if (image.hasNonNull("newTag")) {
            suffix = ":" + image.get("newTag").asText();
        }
        return name + suffix;
    }

    // ---------------------------------------------------------------------------------------------- JSON6902

    /** RFC 6902 add/remove/replace/test on a copy of the resource. */
    static final class Json6902 {
        private Json6902() {}

        static ObjectNode apply(ObjectNode resource, ArrayNode ops, String where) {
            ObjectNode doc = resource.deepCopy();
            for (JsonNode op : ops) {
                String kind = op.path("op").asText();
                String path = op.path("path").asText(null);
                if (path == null || !path.startsWith("/")) {
                    throw new KustomizeException(where + ": JSON6902 op without a valid path: " + op);
                }
                List<String> tokens = pointer(path);
                JsonNode parent = doc;
                for (String t : tokens.subList(0, tokens.size() - 1)) {
                    parent = child(parent, t);
                    if (parent == null) {
                        throw new KustomizeException(where + ": " + path + " does not exist in " + id(resource));
                    }
                }
                String last = tokens.get(tokens.size() - 1);
                switch (kind) {
                    case "add" -> add(parent, last, value(op, where), where, path);
                    case "replace" -> {
                        requireChild(parent, last, where, path, resource);
                        remove(parent, last);
                        add(parent, last, value(op, where), where, path);
                    }
                    case "remove" -> {
                        requireChild(parent, last, where, path, resource);
                        remove(parent, last);
                    }
                    case "test" -> {
                        requireChild(parent, last, where, path, resource);
                        if (!child(parent, last).equals(value(op, where))) {
                            throw new KustomizeException(where + ": test failed at " + path + " in " + id(resource));
                        }
                    }
                    default ->
                        throw new KustomizeException(
                                where + ": JSON6902 op '" + kind + "' is outside the supported subset");
                }
            }
            return doc;
        }

        private static JsonNode value(JsonNode op, String where) {
            if (!op.has("value")) {
                throw new KustomizeException(where + ": op needs a value: " + op);
            }
            return op.get("value").deepCopy();
        }

        static List<String> pointer(String path) {
            List<String> out = new ArrayList<>();
            for (String t : path.substring(1).split("/", -1)) {
                out.add(t.replace("~1", "/").replace("~0", "~"));
            }
            return out;
        }

        private static JsonNode child(JsonNode node, String token) {
            if (node.isObject()) {
                return node.get(token);
            }
            if (node.isArray() && token.matches("\\d+")) {
                return node.get(Integer.parseInt(token));
            }
            return null;
        }

        private static void requireChild(JsonNode parent, String token, String where, String path, JsonNode r) {
            if (child(parent, token) == null) {
                throw new KustomizeException(where + ": " + path + " does not exist in " + id(r));
            }
        }

        private static void remove(JsonNode parent, String token) {
            if (parent.isObject()) {
                ((ObjectNode) parent).remove(token);
            } else {
                ((ArrayNode) parent).remove(Integer.parseInt(token));
            }
        }

        private static void add(JsonNode parent, String token, JsonNode value, String where, String path) {
            if (parent.isObject()) {
                ((ObjectNode) parent).set(token, value);
            } else if (parent.isArray()) {
                ArrayNode a = (ArrayNode) parent;
                if (token.equals("-")) {
                    a.add(value);
                } else if (token.matches("\\d+") && Integer.parseInt(token) <= a.size()) {
                    a.insert(Integer.parseInt(token), value);
                } else {
                    throw new KustomizeException(where + ": bad array index in " + path);
                }
            } else {
                throw new KustomizeException(where + ": " + path + " has no container to add to");
            }
        }
    }

    static final class KustomizeException extends RuntimeException {
        KustomizeException(String message) {
            super(message);
        }
    }

    /** For tests: an empty object. */
    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new KustomizeException("cannot read " + p + ": " + e.getMessage());
        }
    }
}
