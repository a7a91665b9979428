package dev.mfa.localstack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Creates databases on a PostgreSQL server and builds the URLs the services use. Connects through
 * {@link org.postgresql.Driver} directly (not {@code DriverManager}) so that it works from any class loader,
 * including Quarkus' test class loaders.
 */
public final class PostgresDatabases {

    /** Superuser of the embedded servers (local only; the servers trust local connections). */
    public static final String USERNAME = "postgres";

    public static final String PASSWORD = "postgres";

    private static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private PostgresDatabases() {}

    public static String jdbcUrl(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The Vert.x reactive client URL, as {@code quarkus.datasource.reactive.url} expects it. */
    public static String reactiveUrl(String host, int port, String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    public static String requireValidName(String database) {
        if (database == null || !DB_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException(
                    "invalid database name '" + database + "' (lower-case letters, digits, _)");
        }
        return database;
    }

    /** Opens a connection as the superuser. */
    public static Connection connect(String host, int port, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USERNAME);
        props.setProperty("password", PASSWORD);
        Connection c = new org.postgresql.Driver().connect(jdbcUrl(host, port, database), props);
        if (c == null) {
            throw new SQLException("PostgreSQL driver refused URL " + jdbcUrl(host, port, database));
        }
        return c;
    }

    /** Creates the database if it does not exist; safe to call concurrently and repeatedly. */
    public static boolean ensureDatabase(String host, int port, String database) throws SQLException {
        requireValidName(database);
        try (Connection c = connect(host, port, "postgres")) {
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("create database \"" + database + "\"");
                return true;
            } catch (SQLException e) {
                // 42P04 duplicate_database, 23505 unique_violation: created concurrently by someone else.
                if ("42P04".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        }
    }
}
