package dev.mfa.verification.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARK, not a test (its name matches neither *Test nor *IT): CPU per signature of the candidate assertion
 * algorithms, JDK providers versus Amazon Corretto Crypto Provider, one thread. Run:
 * <pre>
 * mvn -B -o -pl verification-service test -Dtest=SignatureCostBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class SignatureCostBenchmark {

    private static final int WARM_UP = 3000;
    private static final int MEASURED = 5000;
    private static final byte[] SIGNING_INPUT = new byte[320]; // about a header.payload of an assertion

    @Test
    void run() throws Exception {
        Provider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy(); // fails here when the native library did not load
        StringBuilder out = new StringBuilder("| algorithm | provider | ms per signature |\n|---|---|---|\n");
        row(
                out,
                "RS256 (RSA-2048)",
                "SHA256withRSA",
                "RSA",
                new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4),
                null);
        row(
                out,
                "RS256 (RSA-2048)",
                "SHA256withRSA",
                "RSA",
                new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4),
                accp);
        row(out, "ES256 (P-256)", "SHA256withECDSA", "EC", new ECGenParameterSpec("secp256r1"), null);
        row(out, "ES256 (P-256)", "SHA256withECDSA", "EC", new ECGenParameterSpec("secp256r1"), accp);
        row(out, "EdDSA (Ed25519)", "Ed25519", "Ed25519", null, null);
        System.out.println(out);
    }

    private static void row(
            StringBuilder out,
            String name,
            String algorithm,
            String keyAlgorithm,
            AlgorithmParameterSpec spec,
            Provider provider)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
        if (spec != null) {
            generator.initialize(spec);
        }
        KeyPair pair = generator.generateKeyPair();
        Signature signature = provider == null
                ? Signature.getInstance(algorithm, jdkProvider(keyAlgorithm))
                : Signature.getInstance(algorithm, provider);
        sign(signature, pair, WARM_UP);
        long start = System.nanoTime();
        sign(signature, pair, MEASURED);
        double ms = (System.nanoTime() - start) / 1e6 / MEASURED;
        out.append(String.format(
                "| %s | %s | %.3f |%n", name, signature.getProvider().getName(), ms));
    }

    private static String jdkProvider(String keyAlgorithm) {
        return keyAlgorithm.equals("RSA") ? "SunRsaSign" : "SunEC";
    }

    private static void sign(Signature signature, KeyPair pair, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            signature.initSign(pair.getPrivate());
            signature.update(SIGNING_INPUT);
            if (signature.sign().length == 0) {
                throw new IllegalStateException("empty signature");
            }
        }
    }
}
