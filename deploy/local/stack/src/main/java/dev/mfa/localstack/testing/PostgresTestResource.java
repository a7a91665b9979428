package dev.mfa.localstack.testing;

import dev.mfa.localstack.PostgresDatabases;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for a service's tests: one per JVM, started on first use on a free port, stopped by a
 * shutdown hook (fast shutdown; its temporary data directory is deleted).
 *
 * <pre>
 * &#64;QuarkusTestResource(value = PostgresTestResource.class,
 *         initArgs = &#64;ResourceArg(name = PostgresTestResource.DATABASE, value = "mfa_enrollment"))
 * </pre>
 * {@link #start()} creates the database if missing and returns {@code quarkus.datasource.reactive.url},
 * {@code quarkus.datasource.jdbc.url}, {@code quarkus.datasource.username}, {@code quarkus.datasource.password}
 * (and turns dev services off). Tests can query directly with {@link #jdbcUrl(String)} or {@link #connect(String)}.
 *
 * <p>The server is shared through JVM-wide state (a system property and an interned lock), so that it stays one
 * server even when Quarkus loads this class in several class loaders (one per test profile / restart).
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg: the database to create and point the datasource at. */
    public static final String DATABASE = "database";

    public static final String DEFAULT_DATABASE = "mfa_test";
    public static final String HOST = "localhost";

    /** System property holding the port of this JVM's server (set once started; may be preset to reuse a server). */
    public static final String PORT_PROPERTY = "mfa.localstack.pg.port";

    // A string literal is interned JVM-wide: the same monitor in every class loader.
    private static final Object LOCK = "dev.mfa.localstack.testing.PostgresTestResource#LOCK";

    private String database = DEFAULT_DATABASE;

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs != null
                && initArgs.get(DATABASE) != null
                && !initArgs.get(DATABASE).isBlank()) {
            database = PostgresDatabases.requireValidName(initArgs.get(DATABASE).trim());
        }
    }

    @Override
    public Map<String, String> start() {
        return Map.of(
                "quarkus.datasource.reactive.url", reactiveUrl(database),
                "quarkus.datasource.jdbc.url", jdbcUrl(database),
                "quarkus.datasource.username", username(),
                "quarkus.datasource.password", password(),
                "quarkus.datasource.devservices.enabled", "false");
    }

    /** The server lives as long as the JVM: nothing to do per test application. */
    @Override
    public void stop() {}

    // ---------------------------------------------------------------- static accessors for tests

    /** The port of this JVM's server, starting it if needed. */
    public static int port() {
        synchronized (LOCK) {
            String existing = System.getProperty(PORT_PROPERTY);
            if (existing != null && reachable(Integer.parseInt(existing))) {
                return Integer.parseInt(existing);
            }
            int port = startServer();
            System.setProperty(PORT_PROPERTY, Integer.toString(port));
            return port;
        }
    }

    /** JDBC URL of {@code database} (created if missing). */
    public static String jdbcUrl(String database) {
        ensureDatabase(database);
        return PostgresDatabases.jdbcUrl(HOST, port(), database);
    }

    /** Reactive (Vert.x) URL of {@code database} (created if missing). */
    public static String reactiveUrl(String database) {
        ensureDatabase(database);
        return PostgresDatabases.reactiveUrl(HOST, port(), database);
    }

    public static String username() {
        return PostgresDatabases.USERNAME;
    }

    public static String password() {
        return PostgresDatabases.PASSWORD;
    }

    /** Creates {@code database} if it does not exist. */
    public static void ensureDatabase(String database) {
        try {
            PostgresDatabases.ensureDatabase(HOST, port(), database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database + ": " + e.getMessage(), e);
        }
    }

    /** A superuser connection to {@code database} (created if missing); the caller closes it. */
    public static Connection connect(String database) throws SQLException {
        ensureDatabase(database);
        return PostgresDatabases.connect(HOST, port(), database);
    }

    // ---------------------------------------------------------------- server

    private static int startServer() {
        try {
            Path dataDir = Files.createTempDirectory("mfa-test-pg-");
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    // zonky's 10 s default is too short for a first start on a busy 2-core machine
                    .setPGStartupWait(java.time.Duration.ofSeconds(90))
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "300")
                    .start();
            String pgCtl = pgCtlOf(dataDir);
            // The hook uses JDK classes only: Quarkus may have closed this class loader by the time the JVM exits.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopServer(pg, pgCtl, dataDir), "mfa-test-pg-stop"));
            return pg.getPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** pg_ctl next to the running postmaster's binary (pid from {@code postmaster.pid}), or null. */
    static String pgCtlOf(Path dataDir) {
        try {
            long pid = Long.parseLong(
                    Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            Optional<String> command =
                    ProcessHandle.of(pid).flatMap(h -> h.info().command());
            return command.map(c -> Path.of(c).resolveSibling("pg_ctl").toString())
                    .orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void stopServer(EmbeddedPostgres pg, String pgCtl, Path dataDir) {
        boolean stopped = false;
        if (pgCtl != null) {
            try {
                Process p = new ProcessBuilder(pgCtl, "-D", dataDir.toString(), "stop", "-m", "fast", "-w", "-t", "20")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                stopped = p.waitFor() == 0;
            } catch (IOException | InterruptedException | RuntimeException e) {
                // fall through to the library's close
            }
        }
        if (!stopped) {
            try {
                pg.close();
            } catch (Throwable ignored) {
                // best effort
            }
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    private static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
