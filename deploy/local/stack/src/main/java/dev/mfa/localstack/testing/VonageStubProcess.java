package dev.mfa.localstack.testing;

import dev.mfa.localstack.VonageStub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link VonageStub} in a JVM of its own (its {@code main}, as {@code deploy/local/run.sh} starts it), on a free
 * port: for measurements where the stub must not share a process with the client it meters, as a real provider does
 * not (its garbage collections and thread scheduling are then its own). The child gets this JVM's class path and
 * writes its output to {@code log}; it is stopped by {@link #close()} or, at the latest, when this JVM exits.
 *
 * <pre>
 * try (VonageStubProcess stub = VonageStubProcess.start(Path.of("target/vonage-stub.log"))) {
 *     ... point the Vonage client at stub.baseUrl(), configure it over /_stub/config ...
 * }
 * </pre>
 */
public final class VonageStubProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("READY vonage-stub port=(\\d+)");
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Thread reaper;

    private VonageStubProcess(Process process, int port, Thread reaper) {
        this.process = process;
        this.port = port;
        this.reaper = reaper;
    }

    /** Starts the stub ({@code extraArgs}: options of {@link VonageStub#main}) and waits until it listens. */
    public static VonageStubProcess start(Path log, String... extraArgs) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and simple, like the local stack's stub: a young collection of its few objects takes ~1 ms.
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-Dmfa.local.component=vonage-stub",
                "-cp",
                System.getProperty("java.class.path"),
                VonageStub.class.getName(),
                "--port",
                "0"));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Thread reaper = new Thread(process::destroyForcibly, "vonage-stub-process-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        long deadline = System.nanoTime() + STARTUP.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Matcher m = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    return new VonageStubProcess(process, Integer.parseInt(m.group(1)), reaper);
                }
                if (!process.isAlive()) {
                    throw new IOException("the Vonage stub exited with " + process.exitValue() + ", see " + log);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        throw new IOException("the Vonage stub did not start within " + STARTUP + ", see " + log);
    }

    public int port() {
        return port;
    }

    /** {@code http://localhost:PORT}, as {@link VonageStub#baseUrl()}. */
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the stub's shutdown hook stops its server
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (IllegalStateException e) {
            // this JVM is exiting: the reaper runs anyway
        }
    }
}
