package dev.mfa.core.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The one reader of PEM keys (PKCS#8 private, X.509 SubjectPublicKeyInfo public; RSA or EC), for the services and
 * the tests alike. Errors name the location, never the key's text.
 */
public final class PemKeys {

    public static final String CLASSPATH_PREFIX = "classpath:";
    private static final List<String> ALGORITHMS = List.of("RSA", "EC");

    private PemKeys() {}

    /** A {@code -----BEGIN PRIVATE KEY-----} (PKCS#8) RSA or EC key. */
    public static PrivateKey privateKey(String pem) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der(pem));
        return (PrivateKey) parse(spec, true);
    }

    /** A {@code -----BEGIN PUBLIC KEY-----} (X.509) RSA or EC key. */
    public static PublicKey publicKey(String pem) {
        return (PublicKey) parse(new X509EncodedKeySpec(der(pem)), false);
    }

    /** Reads and parses a private key at {@code location} (see {@link #read}). */
    public static PrivateKey readPrivateKey(String location) {
        try {
            return privateKey(read(location));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key at " + location + " is not a PKCS#8 RSA or EC private key");
        }
    }

    /** Reads and parses a public key at {@code location} (see {@link #read}). */
    public static PublicKey readPublicKey(String location) {
        try {
            return publicKey(read(location));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key at " + location + " is not an X.509 RSA or EC public key");
        }
    }

    /**
     * The text at {@code location}: a file when one exists at that path, else a classpath resource (always the
     * classpath with a {@code classpath:} prefix). PEM is ASCII.
     */
    public static String read(String location) {
        boolean classpath = location.startsWith(CLASSPATH_PREFIX);
        String name = classpath ? location.substring(CLASSPATH_PREFIX.length()) : location;
        try {
            Path file = Path.of(name);
            if (!classpath && Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII);
            }
            String resource = name.startsWith("/") ? name.substring(1) : name;
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("no key found at " + location);
                }
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key at " + location, e);
        }
    }

    private static byte[] der(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            // Base64's message quotes the offending character: not the key, but say nothing of its text.
            throw new IllegalArgumentException("not a PEM key");
        }
    }

    private static Object parse(KeySpec spec, boolean priv) {
        // The encoding names its algorithm inside; trying the two we use is simpler than reading the ASN.1.
        for (String algorithm : ALGORITHMS) {
            try {
                KeyFactory factory = KeyFactory.getInstance(algorithm);
                return priv ? factory.generatePrivate(spec) : factory.generatePublic(spec);
            } catch (InvalidKeySpecException notThisOne) {
                // next algorithm
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no " + algorithm + " key factory", e);
            }
        }
        throw new IllegalArgumentException(
                "not a PEM " + (priv ? "PKCS#8 private" : "X.509 public") + " key of " + ALGORITHMS);
    }
}
