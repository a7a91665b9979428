package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.core.otp.SecretGenerator;
import dev.mfa.enrollment.config.TotpConfig;
import dev.mfa.localstack.testing.QrScanner;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The QR images the service renders are read back, every one of them: 1,000 random otpauth URIs at the configured
 * size (zxing's default detector misses about 1 % of such images; see QrScanner). The inputs come from a fixed
 * seed, so a failure is reproducible.
 */
class QrCodesTest {

    private static final int URIS = 1_000;
    private static final String ACCOUNT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-+";

    @BeforeAll
    static void noImageIoDiskCache() {
        // ImageIO buffers PNG output in temporary files by default; in memory it is several times faster here.
        ImageIO.setUseCache(false);
    }

    @Test
    void everyRandomOtpauthUriDecodesAtTheConfiguredSize() throws Exception {
        int configured = configuredQrSize();
        assertThat(configured).isGreaterThanOrEqualTo(QrCodes.MIN_SIZE);
        assertEveryUriDecodes(configured, 13);
    }

    private static void assertEveryUriDecodes(int size, long seed) {
        QrCodes qr = new QrCodes(config(size));
        Random random = new Random(seed);
        SecretGenerator secrets = new SecretGenerator(new java.security.SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                random.nextBytes(bytes);
            }
        });
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < URIS; i++) {
            uris.add(OtpAuthUri.builder()
                    .issuer("MFA Platform")
                    .account(randomAccount(random))
                    .secretBase32(Base32.encode(secrets.newSecret()))
                    .build()
                    .uri());
        }
        // Rendering and reading are independent per URI: both cores (the inputs above are fixed, in order).
        List<String> misses = uris.parallelStream()
                .filter(uri -> !uri.equals(readBack(qr, uri)))
                .map(uri -> uri.replaceAll("secret=[A-Z2-7]+", "secret=...") + " -> " + readBack(qr, uri))
                .toList();
        assertThat(misses).as("URIs not read back from %d px images", size).isEmpty();
    }

    private static String readBack(QrCodes qr, String uri) {
        try {
            return QrScanner.decode(qr.png(uri));
        } catch (AssertionError e) {
            return e.getMessage();
        }
    }

    /** E-mail-like accounts of every length the service puts in a URI, up to its cut-off. */
    private static String randomAccount(Random random) {
        int length = 3 + random.nextInt(EnrollmentService.MAX_EMAIL_IN_URI - 2);
        StringBuilder sb = new StringBuilder(length);
        int at = 1 + random.nextInt(length - 2);
        for (int i = 0; i < length; i++) {
            sb.append(i == at ? '@' : ACCOUNT_CHARS.charAt(random.nextInt(ACCOUNT_CHARS.length())));
        }
        return sb.toString();
    }

    /** {@code mfa.totp.qr-size} from application.properties if set there, else the mapping's default. */
    private static int configuredQrSize() throws Exception {
        Properties props = new Properties();
        try (InputStream in = QrCodesTest.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                props.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String set = props.getProperty("mfa.totp.qr-size");
        if (set != null) {
            return Integer.parseInt(set.trim());
        }
        return Integer.parseInt(TotpConfig.class
                .getMethod("qrSize")
                .getAnnotation(WithDefault.class)
                .value());
    }

    private static TotpConfig config(int size) {
        return new TotpConfig() {
            @Override
            public String issuer() {
                return "MFA Platform";
            }

            @Override
            public Duration enrollmentTtl() {
                return Duration.ofMinutes(10);
            }

            @Override
            public int qrSize() {
                return size;
            }
        };
    }
}
