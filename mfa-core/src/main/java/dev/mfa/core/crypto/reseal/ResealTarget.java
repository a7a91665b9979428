package dev.mfa.core.crypto.reseal;

import dev.mfa.core.crypto.SealedField;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A table whose ciphertext columns may still hold values of the legacy shared key: its uuid id column, its user
 * column, and per ciphertext column the field it holds and the context legacy rows were written with (from the id).
 * Names come from code, never from input; they are still checked, since they go into SQL.
 */
public record ResealTarget(String table, String idColumn, String userColumn, List<Column> columns) {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    public record Column(String name, SealedField field, Function<String, String> legacyContext) {
        public Column {
            checkName(name);
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(legacyContext, "legacyContext");
        }
    }

    public ResealTarget {
        checkName(table);
        checkName(idColumn);
        checkName(userColumn);
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("no ciphertext column");
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain SQL name: " + name);
        }
    }
}
