package dev.mfa.verification.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class NativeCryptoTest {

    @Test
    void switchedOffLeavesTheJdkProvidersAlone() {
        String first = Security.getProviders()[0].getName();
        assertThat(new NativeCrypto(() -> false).installed()).isFalse();
        assertThat(Security.getProviders()[0].getName()).isEqualTo(first);
    }

    /** CI and the images run on Linux x86-64, the platform whose native code the pom takes. */
    @Test
    void onLinuxX8664ItBecomesTheFirstProviderAndSignsEs256() throws Exception {
        assertThat(new NativeCrypto(() -> true).installed()).isTrue();
        assertThat(Security.getProviders()[0].getName()).isEqualTo("AmazonCorrettoCryptoProvider");

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        assertThat(signer.getProvider().getName()).isEqualTo("AmazonCorrettoCryptoProvider");

        // The JDK's own implementation accepts what the native one signed: same algorithm, same encoding.
        Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        jdk.initVerify(pair.getPublic());
        jdk.update(new byte[] {1, 2, 3});
        assertThat(jdk.verify(signature)).isTrue();
    }
}
