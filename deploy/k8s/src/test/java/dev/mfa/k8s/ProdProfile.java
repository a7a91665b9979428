package dev.mfa.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The environment variables a service's prod profile cannot start without, read from its own
 * {@code application.properties}: every {@code ${VAR}} without a default in a value the prod profile uses (a
 * {@code %prod} key, or a key without profile that no {@code %prod} key overrides). Derived, never listed by hand,
 * so that a new {@code %prod.x=${NEW_VAR}} is checked against the manifests without anyone remembering to.
 */
public final class ProdProfile {

    private ProdProfile() {}

    /** Variable name -> the property whose prod value needs it. */
    public static Map<String, String> requiredVariables(Path applicationProperties) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(applicationProperties, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> prodOverridden = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (profiles(key).contains("prod")) {
                prodOverridden.add(property(key));
            }
        }
        Map<String, String> out = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            Set<String> profiles = profiles(key);
            boolean usedInProd = profiles.contains("prod") || (profiles.isEmpty() && !prodOverridden.contains(key));
            if (usedInProd) {
                for (String v : withoutDefault(p.getProperty(key))) {
                    out.putIfAbsent(v, property(key));
                }
            }
        }
        return out;
    }

    static Set<String> profiles(String key) {
        if (!key.startsWith("%")) {
            return Set.of();
        }
        return Set.of(key.substring(1, key.indexOf('.')).split(","));
    }

    static String property(String key) {
        return key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
    }

    /** The top-level {@code ${NAME}} expressions of a value that have no {@code :default}, env-style names only. */
    static Set<String> withoutDefault(String value) {
        Set<String> out = new TreeSet<>();
        int i = 0;
        while ((i = value.indexOf("${", i)) >= 0) {
            int depth = 0;
            int end = -1;
            for (int j = i; j < value.length(); j++) {
                if (value.startsWith("${", j)) {
                    depth++;
                    j++;
                } else if (value.charAt(j) == '}' && --depth == 0) {
                    end = j;
                    break;
                }
            }
            if (end < 0) {
                throw new IllegalArgumentException("unclosed ${ in " + value);
            }
            String expr = value.substring(i + 2, end);
            if (!expr.contains(":") && expr.matches("[A-Z][A-Z0-9_]*")) {
                out.add(expr);
            }
            i = end + 1;
        }
        return out;
    }
}
