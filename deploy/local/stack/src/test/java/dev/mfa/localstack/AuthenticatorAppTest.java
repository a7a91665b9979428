package dev.mfa.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.mfa.core.otp.OtpAuthUri;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class AuthenticatorAppTest {

    /** RFC 6238 appendix B: the SHA-1 key "12345678901234567890". */
    static final String RFC_URI = "otpauth://totp/Test:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Test"
            + "&algorithm=SHA1&digits=6&period=30";

    @Test
    void decodesEveryCleanQrImageOfRandomKeyUris() throws Exception {
        // Rendered like enrollment-service's QrCodes (256 px, level M, 4-module quiet zone; PNG is lossless, so the
        // image is decoded as rendered); seeded, so that a failure can be replayed.
        Random random = new Random(20261204L);
        List<Integer> misses = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] secret = new byte[20];
            random.nextBytes(secret);
            String uri = OtpAuthUri.builder()
                    .issuer("MFA Platform")
                    .account("user" + random.nextInt(1_000_000) + "@org" + i + ".test")
                    .secret(secret)
                    .buildUri();
            try {
                if (!uri.equals(AuthenticatorApp.decodeQr(image(uri, 256)))) {
                    misses.add(i);
                }
            } catch (IllegalArgumentException e) {
                misses.add(i);
            }
        }
        assertThat(misses).as("images not decoded to their URI").isEmpty();
    }

    @Test
    void rfc6238CodesAtAGivenTime() {
        // RFC 6238 appendix B, T = 59 s: 94287082 (8 digits), so the 6-digit code is its last six digits.
        Clock at59 = Clock.fixed(Instant.ofEpochSecond(59), ZoneOffset.UTC);
        AuthenticatorApp.Code code = AuthenticatorApp.code(at59, RFC_URI, Long.MIN_VALUE);
        assertThat(code.step()).isEqualTo(1);
        assertThat(code.code()).isEqualTo("287082");
        // T = 1111111109 s: 07081804
        Clock later = Clock.fixed(Instant.ofEpochSecond(1111111109L), ZoneOffset.UTC);
        assertThat(AuthenticatorApp.code(later, RFC_URI, Long.MIN_VALUE).code()).isEqualTo("081804");
    }

    @Test
    void afterAUsedStepTheNextStepsCodeComes() {
        Clock at59 = Clock.fixed(Instant.ofEpochSecond(59), ZoneOffset.UTC);
        AuthenticatorApp.Code next = AuthenticatorApp.code(at59, RFC_URI, 1);
        assertThat(next.step()).isEqualTo(2);
        assertThat(next.code()).isNotEqualTo("287082").hasSize(6);
        // an older used step changes nothing: the current one is already later
        assertThat(AuthenticatorApp.code(at59, RFC_URI, -5).step()).isEqualTo(1);
    }

    @Test
    void codeRecordHidesTheCode() {
        assertThat(new AuthenticatorApp.Code(7, "123456").toString()).doesNotContain("123456");
    }

    @Test
    void anImageWithoutAQrCodeIsRefused() throws IOException {
        BufferedImage blank = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> AuthenticatorApp.decodeQr(blank)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthenticatorApp.decodeQr("not a png".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesAPngFile() throws Exception {
        String uri = OtpAuthUri.builder()
                .issuer("MFA Platform")
                .account("alice@acme.test")
                .secret(new byte[20])
                .buildUri();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image(uri, 256), "PNG", out);
        assertThat(AuthenticatorApp.decodeQr(out.toByteArray())).isEqualTo(uri);
    }

    private static BufferedImage image(String content, int size) throws WriterException {
        BitMatrix m = new QRCodeWriter()
                .encode(
                        content,
                        BarcodeFormat.QR_CODE,
                        size,
                        size,
                        Map.of(
                                EncodeHintType.ERROR_CORRECTION,
                                ErrorCorrectionLevel.M,
                                EncodeHintType.MARGIN,
                                4,
                                EncodeHintType.CHARACTER_SET,
                                StandardCharsets.UTF_8.name()));
        BufferedImage image = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                image.setRGB(x, y, m.get(x, y) ? 0xFF000000 : 0xFFFFFFFF);
            }
        }
        return image;
    }
}
