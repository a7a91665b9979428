package dev.mfa.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SqlInstantsTest {

    private static final Instant T = Instant.parse("2026-03-01T12:34:56.789Z");

    @Test
    void everyTypeADriverMayReturnIsTheSameInstant() {
        assertThat(SqlInstants.of(T)).isEqualTo(T);
        assertThat(SqlInstants.of(T.atOffset(ZoneOffset.ofHours(2)))).isEqualTo(T);
        assertThat(SqlInstants.of(Timestamp.from(T))).isEqualTo(T);
        assertThat(SqlInstants.of(LocalDateTime.ofInstant(T, ZoneOffset.UTC))).isEqualTo(T);
        assertThat(SqlInstants.of(OffsetDateTime.ofInstant(T, ZoneOffset.UTC).toString()))
                .isEqualTo(T);
        assertThat(SqlInstants.of(null)).isNull();
    }
}
