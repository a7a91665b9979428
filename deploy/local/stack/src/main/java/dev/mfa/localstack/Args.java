package dev.mfa.localstack;

import java.util.HashMap;
import java.util.Map;

/** Minimal {@code --name value} / {@code --flag} command-line parser for the stack's main classes. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

    private Args() {}

    static Args parse(String[] argv) {
        Args args = new Args();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            String name = a.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                args.values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                args.values.put(name, argv[++i]);
            } else {
                args.values.put(name, "true");
            }
        }
        return args;
    }

    /** The option, else the environment variable, else the default. */
    String get(String name, String env, String def) {
        String v = values.get(name);
        if (v == null && env != null) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? def : v;
    }

    int getInt(String name, String env, int def) {
        String v = get(name, env, null);
        return v == null ? def : Integer.parseInt(v.trim());
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(values.getOrDefault(name, "false"));
    }
}
