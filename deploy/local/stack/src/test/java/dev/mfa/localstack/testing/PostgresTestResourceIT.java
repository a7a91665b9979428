package dev.mfa.localstack.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresTestResourceIT {

    @Test
    void startsOneRealServerAndCreatesDatabases() throws Exception {
        PostgresTestResource enrollment = new PostgresTestResource();
        enrollment.init(Map.of(PostgresTestResource.DATABASE, "mfa_enrollment"));
        Map<String, String> config = enrollment.start();

        int port = PostgresTestResource.port();
        assertThat(config)
                .containsEntry("quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/mfa_enrollment")
                .containsEntry("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/mfa_enrollment")
                .containsEntry("quarkus.datasource.username", "postgres")
                .containsEntry("quarkus.datasource.password", "postgres");

        try (Connection c = PostgresTestResource.connect("mfa_enrollment");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select 1, current_database(), version()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("mfa_enrollment");
            assertThat(rs.getString(3)).startsWith("PostgreSQL 17");
        }

        // A second resource (another service's test, another database) shares the same server.
        PostgresTestResource verification = new PostgresTestResource();
        verification.init(Map.of(PostgresTestResource.DATABASE, "mfa_verification"));
        Map<String, String> second = verification.start();
        assertThat(second.get("quarkus.datasource.jdbc.url"))
                .isEqualTo("jdbc:postgresql://localhost:" + port + "/mfa_verification");
        enrollment.stop();
        try (Connection c = PostgresTestResource.connect("mfa_verification");
                ResultSet rs = c.createStatement()
                        .executeQuery("select count(*) from pg_database where datname like 'mfa_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
        // Idempotent.
        verification.start();
        assertThat(PostgresTestResource.port()).isEqualTo(port);
    }
}
