package dev.mfa.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The project files the manifests are checked against: the contract, the design notes, each service's config. */
final class Repo {

    /** Short name used in docs/contract.md -> service (module and Deployment name). */
    static final Map<String, String> SERVICES = Map.of(
            "enrollment", "enrollment-service",
            "verification", "verification-service",
            "notification", "notification-service",
            "scheduler", "deadline-scheduler");

    /** The web edge (CONTRACT §7): deployed like the services, without database, Kafka or design-table variables. */
    static final String EDGE = "mfa-web";

    /** Every Deployment deploy/k8s renders: the four services and the edge. */
    static List<String> deployments() {
        List<String> all = new ArrayList<>(SERVICES.values());
        all.add(EDGE);
        return all;
    }

    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

    private Repo() {}

    static Path k8s() {
        return Path.of(System.getProperty("mfa.k8s.dir", System.getProperty("user.dir")))
                .toAbsolutePath()
                .normalize();
    }

    static Path root() {
        return k8s().resolve("../..").normalize();
    }

    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(k8s().resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Rendered rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            List<ObjectNode> raw = Kustomize.render(k8s().resolve("overlays").resolve(o));
            List<Object> typed = new ArrayList<>();
            for (ObjectNode r : raw) {
                typed.add(Models.typed(r));
            }
            return new Rendered(o, raw, typed);
        });
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Properties properties(String service) {
        Properties p = new Properties();
        try (Reader r =
                Files.newBufferedReader(root().resolve(service).resolve("src/main/resources/application.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static int httpPort(String service) {
        return Integer.parseInt(
                properties(service).getProperty("quarkus.http.port").trim());
    }

    /** One row of CONTRACT §5. */
    record TopicRow(String topic, Set<String> producers, Set<String> consumers) {}

    /** CONTRACT §5, with producers and consumers reduced to this platform's services. */
    static List<TopicRow> contractTopics() {
        String contract = read(root().resolve("docs/contract.md"));
        String section = contract.substring(contract.indexOf("## 5."));
        section = section.substring(0, section.indexOf("\n## ", 5));
        Pattern row = Pattern.compile("^\\|\\s*`([a-z0-9.\\-]+)`\\s*\\|([^|]*)\\|", Pattern.MULTILINE);
        List<TopicRow> rows = new ArrayList<>();
        Matcher m = row.matcher(section);
        while (m.find()) {
            String[] flow = m.group(2).split("→");
            if (flow.length != 2) {
                throw new IllegalStateException("contract row without 'producer → consumers': " + m.group());
            }
            rows.add(new TopicRow(m.group(1), services(flow[0]), services(flow[1])));
        }
        if (rows.size() < 8) {
            throw new IllegalStateException("expected the topic table of CONTRACT §5, found " + rows);
        }
        return rows;
    }

    /** Platform services named in a contract cell ("enrollment, any consumer (e.g. ...)"); others are ignored. */
    static Set<String> services(String cell) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : cell.replaceAll("\\([^)]*\\)", "").split(",")) {
            String s = SERVICES.get(part.trim());
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** docs/design.md "Configuration (environment variables)": variable -> services that need it. */
    static Map<String, Set<String>> designEnv() {
        String design = read(root().resolve("docs/design.md"));
        String section = design.substring(design.indexOf("## Configuration"));
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            Set<String> who = new LinkedHashSet<>();
            if (cells[2].trim().equals("all")) {
                who.addAll(SERVICES.values());
            } else {
                who.addAll(services(cells[2]));
            }
            Matcher v = Pattern.compile("`([A-Z0-9_]+)`").matcher(cells[1]);
            while (v.find()) {
                out.put(v.group(1), who);
            }
        }
        return out;
    }

    /** deploy/README.md "Secrets" table: secret name -> keys. */
    static Map<String, Set<String>> documentedSecrets() {
        String readme = read(root().resolve("deploy/README.md"));
        String section = readme.substring(readme.indexOf("## Secrets"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            Set<String> keys = new LinkedHashSet<>();
            Matcher k = Pattern.compile("`([A-Za-z0-9.\\-_]+)`").matcher(cells[2]);
            while (k.find()) {
                keys.add(k.group(1));
            }
            Matcher name = Pattern.compile("`([a-z0-9.\\-]+)`").matcher(cells[1]);
            while (name.find()) {
                out.put(name.group(1), keys);
            }
        }
        return out;
    }

    /** One rendered overlay: the raw trees (in order) and their typed models (same order). */
    record Rendered(String overlay, List<ObjectNode> raw, List<Object> typed) {

        <T> List<T> all(Class<T> type) {
            return typed.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String name) {
            List<T> found = all(type).stream()
                    .filter(r -> r.getMetadata().getName().equals(name))
                    .toList();
            if (found.size() != 1) {
                throw new AssertionError(
                        overlay + ": expected one " + type.getSimpleName() + " " + name + ", found " + found.size());
            }
            return found.get(0);
        }

        String text() {
            return Yaml.write(raw);
        }
    }
}
