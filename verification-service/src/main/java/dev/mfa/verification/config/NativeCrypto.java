package dev.mfa.verification.config;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.security.Provider;
import java.security.Security;
import org.jboss.logging.Logger;

/**
 * Puts Amazon Corretto Crypto Provider in front of the JDK's providers. Every sign-in verifies a caller token,
 * decrypts a secret (AES-GCM), computes HMACs and signs an assertion; ACCP does those in native AWS-LC code, the ES256
 * signature ~30x faster than the JDK (docs/benchmarks/verification-service.md). It ships native code for Linux
 * x86-64 only (the classifier in the pom): elsewhere, or when it fails its self-test, the JDK's providers stay in
 * charge and the service works the same, slower. JCA picks a provider per {@code getInstance} call, so installing
 * at startup covers every later signature, cipher and MAC.
 */
@Startup
@Singleton
public class NativeCrypto {

    private static final Logger LOG = Logger.getLogger(NativeCrypto.class);

    private final boolean installed;

    public NativeCrypto(CryptoConfig config) {
        this.installed = config.nativeProvider() && install();
    }

    /** True when ACCP is the first provider. */
    public boolean installed() {
        return installed;
    }

    private static synchronized boolean install() {
        Provider first = Security.getProviders()[0];
        if (first.getName().equals(AmazonCorrettoCryptoProvider.PROVIDER_NAME)) {
            return true;
        }
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                LOG.warnf(
                        "Amazon Corretto Crypto Provider unavailable on this platform (%s); using the JDK's providers",
                        accp.getLoadingError().toString());
                return false;
            }
            accp.assertHealthy();
            AmazonCorrettoCryptoProvider.install();
            LOG.infof("Amazon Corretto Crypto Provider %s installed as the first JCA provider", accp.getVersionStr());
            return true;
        } catch (LinkageError | RuntimeException e) {
            LOG.warnf(
                    "Amazon Corretto Crypto Provider could not be installed (%s); using the JDK's providers",
                    e.toString());
            return false;
        }
    }
}
