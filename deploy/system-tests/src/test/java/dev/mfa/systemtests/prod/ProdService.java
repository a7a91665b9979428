package dev.mfa.systemtests.prod;

import dev.mfa.k8s.PodEnvironment;
import dev.mfa.k8s.ProdProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One service's packaged jar started as its prod Deployment would run it: the container's environment exactly as
 * {@link PodEnvironment} reads it from the rendered overlay (Secret values from {@link GeneratedSecrets}, Secret
 * volumes written under {@code <work>/mounts} and every value naming a mount path pointed there), then only the
 * overrides the test names, each of which must replace a variable the manifest sets. The process gets no other
 * environment (not even the test JVM's), so nothing can hide a variable the manifest forgot.
 */
final class ProdService implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    final Map<String, String> env;
    final Map<String, String> missing;
    private final Path log;
    private Process process;
    private List<String> jvmOptions = List.of();

    private ProdService(String name, int port, Map<String, String> env, Map<String, String> missing, Path log) {
        this.name = name;
        this.port = port;
        this.env = env;
        this.missing = missing;
        this.log = log;
    }

    /**
     * Assembles the environment. {@code overrides} replace manifest values (addresses, TLS settings of servers the
     * test runs in plaintext); {@code tunings} add timing settings the manifest leaves at their defaults.
     */
    static ProdService prepare(
            Path root,
            String name,
            int port,
            PodEnvironment pod,
            GeneratedSecrets secrets,
            Map<String, String> overrides,
            Map<String, String> tunings,
            Path work) {
        Map<String, String> required =
                ProdProfile.requiredVariables(root.resolve(name).resolve("src/main/resources/application.properties"));
        Map<String, String> missing = new TreeMap<>(required);
        missing.keySet().removeAll(pod.variables().keySet());

        Path mounts = work.resolve("mounts");
        Map<String, String> mountDirs = new LinkedHashMap<>();
        for (PodEnvironment.SecretFile f : pod.secretFiles()) {
            Path local = mounts.resolve(f.mountPath().substring(1)).resolve(f.path());
            GeneratedSecrets.write(local, secrets.value(new PodEnvironment.SecretKey(f.secret(), f.key())));
            mountDirs.put(f.mountPath() + "/", mounts.resolve(f.mountPath().substring(1)) + "/");
        }
        Map<String, String> env = new TreeMap<>();
        pod.variables().forEach((k, v) -> {
            String value = v.fromSecret() ? secrets.value(v.secretKey()) : v.literal();
            for (Map.Entry<String, String> m : mountDirs.entrySet()) {
                value = value.replace(m.getKey(), m.getValue());
            }
            env.put(k, value);
        });
        overrides.forEach((k, v) -> {
            if (!env.containsKey(k)) {
                throw new IllegalStateException(name + ": override " + k + " replaces nothing the prod overlay sets");
            }
            env.put(k, v);
        });
        tunings.forEach((k, v) -> {
            if (env.containsKey(k)) {
                throw new IllegalStateException(name + ": tuning " + k + " would change a value the overlay sets");
            }
            env.put(k, v);
        });
        return new ProdService(name, port, env, missing, work.resolve(name + ".log"));
    }

    /** JVM options beyond run.sh's (e.g. a trust store for a test server's certificate); not environment. */
    void jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
    }

    void start(Path root) {
        Path jar = root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("not built: " + jar);
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The manifests' JAVA_OPTS (deploy/k8s/base/*/deployment.yaml, JvmOptionsTest keeps them one)
                "-Xms32m",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:MaxMetaspaceSize=192m",
                "-XX:ReservedCodeCacheSize=96m",
                "-Xss512k",
                "-XX:TrimNativeHeapInterval=10000",
                "-XX:+ExitOnOutOfMemoryError",
                "-Dmfa.prod-boot=" + name));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // as the manifests set it
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for {@code /q/health/ready} to answer 200; fails at once if the process exits. */
    void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready"
                        + diagnosis() + "\n--- " + log + " (tail) ---\n" + tail(40));
            }
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base() + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(3))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                // poll interval of a condition wait, not a verdict
                process.waitFor(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(name + " not ready within " + READY_TIMEOUT.toSeconds() + " s (last: " + last + ")"
                + diagnosis() + "\n--- " + log + " (tail) ---\n" + tail(40));
    }

    String diagnosis() {
        return missing.isEmpty()
                ? ""
                : "\nthe prod overlay does not set " + missing.keySet() + " (needed by the prod profile's "
                        + missing.values() + ")";
    }

    String base() {
        return "http://localhost:" + port;
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
