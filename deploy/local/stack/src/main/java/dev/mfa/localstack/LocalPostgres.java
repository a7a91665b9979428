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
 *      [--databases mfa_enrollment,mfa_verification,mfa_notification,mfa_scheduler] [--working-dir DIR]</pre>
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
        // zonky gives the server 10 s by default; a first start (initdb on a fresh directory) on a busy 2-core machine
        // has taken longer (a CI run failed on it), so run.sh's own ready timeout is the limit that counts.
        EmbeddedPostgres pg = builder.setPort(port)
                .setPGStartupWait(java.time.Duration.ofSeconds(90))
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("max_connections", "200")
                .start();

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
}
