package dev.mfa.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The local stack's PostgreSQL: a real server (zonky embedded binaries) whose data directory survives restarts.
 *
 * <pre>java -cp STACK_CLASSPATH dev.mfa.localstack.LocalPostgres [--port 55432] [--data-dir deploy/local/.run/pg]
 *      [--databases mfa_enrollment,mfa_verification,mfa_notification,mfa_scheduler] [--working-dir DIR]
 *      [--startup-wait-seconds 40]</pre>
 * {@code --working-dir} (or {@code MFA_LOCAL_PG_WORKING_DIR}): where the binaries are unpacked, instead of zonky's
 * default ({@code ot.epg.working-dir}, else {@code java.io.tmpdir/embedded-pg}); CI gives a fresh one to prove that a
 * first start works.
 * Creates the missing databases, prints {@code READY postgres port=N}, blocks until the JVM is told to stop
 * (SIGTERM/SIGINT) and then stops PostgreSQL cleanly (fast shutdown). {@code run.sh --reset} wipes the data.
 */
public final class LocalPostgres {

    public static final int DEFAULT_PORT = 55432;
    public static final List<String> DEFAULT_DATABASES =
            List.of("mfa_enrollment", "mfa_verification", "mfa_notification", "mfa_scheduler");

    private LocalPostgres() {}

    public static void main(String[] argv) throws Exception {
        // zonky logs initdb's, pg_ctl's and the server's own output at INFO: without it a failed start says only
        // "gave up waiting" (run.sh gives helpers WARN); this must be set before zonky's first logger exists.
        System.setProperty("org.slf4j.simpleLogger.log.io.zonky.test.db.postgres", "info");
        Args args = Args.parse(argv);
        int port = args.getInt("port", "MFA_LOCAL_PG_PORT", DEFAULT_PORT);
        Path dataDir = Path.of(args.get("data-dir", "MFA_LOCAL_PG_DATA", "deploy/local/.run/pg"))
                .toAbsolutePath();
        List<String> databases = new ArrayList<>();
        for (String db :
                args.get("databases", null, String.join(",", DEFAULT_DATABASES)).split(",")) {
            if (!db.isBlank()) {
                databases.add(PostgresDatabases.requireValidName(db.trim()));
            }
        }
        Files.createDirectories(dataDir);
        String workingDir = args.get("working-dir", "MFA_LOCAL_PG_WORKING_DIR", null);
        boolean fresh = !new File(dataDir.toFile(), "PG_VERSION").exists();
        System.out.printf(
                "LocalPostgres: %s data directory %s, port %d%n", fresh ? "initialising" : "reusing", dataDir, port);

        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (workingDir != null) {
            Path dir = Path.of(workingDir).toAbsolutePath();
            Files.createDirectories(dir);
            builder.setOverrideWorkingDirectory(dir.toFile());
            System.out.printf("LocalPostgres: binaries under %s%n", dir);
        }
        // zonky gives the server 10 s by default; a first start on a busy 2-core machine has taken longer. run.sh
        // tries three times, so one try waits at most a third of its default ready timeout (120 s).
        int startupWait = args.getInt("startup-wait-seconds", "MFA_LOCAL_PG_STARTUP_WAIT", 40);
        EmbeddedPostgres pg;
        try {
            pg = builder.setPort(port)
                    .setPGStartupWait(java.time.Duration.ofSeconds(startupWait))
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("max_connections", "200")
                    .start();
        } catch (Exception e) {
            describeFailedStart(e, dataDir, port);
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("LocalPostgres: stopping PostgreSQL (fast shutdown)");
                            try {
                                pg.close();
                                System.out.println("LocalPostgres: stopped");
                            } catch (Throwable e) {
                                System.err.println("LocalPostgres: stop failed: " + e);
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "local-postgres-stop"));

        for (String db : databases) {
            boolean created = PostgresDatabases.ensureDatabase("localhost", port, db);
            System.out.printf("LocalPostgres: database %s %s%n", db, created ? "created" : "exists");
        }
        System.out.printf("READY postgres port=%d%n", port);
        System.out.flush();
        stopped.await();
    }

    /** What run.sh and a CI log need to tell why a start failed: the causes, the server's pid file, the port. */
    private static void describeFailedStart(Exception e, Path dataDir, int port) {
        System.out.println("LocalPostgres: PostgreSQL did not start: " + e);
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            System.out.println("LocalPostgres:   caused by " + c);
        }
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            System.out.println(
                    Files.exists(pidFile)
                            ? "LocalPostgres: postmaster.pid: " + String.join(" | ", Files.readAllLines(pidFile))
                            : "LocalPostgres: no postmaster.pid in " + dataDir);
        } catch (java.io.IOException io) {
            System.out.println("LocalPostgres: postmaster.pid unreadable: " + io);
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1000);
            System.out.printf("LocalPostgres: something accepts connections on 127.0.0.1:%d%n", port);
        } catch (java.io.IOException io) {
            System.out.printf("LocalPostgres: nothing accepts connections on 127.0.0.1:%d (%s)%n", port, io);
        }
        System.out.flush();
    }
}
