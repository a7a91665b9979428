package dev.mfa.localstack;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.LuminanceSource;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.core.otp.Totp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What a user's authenticator app does, for {@code deploy/local/walkthrough.sh}: read the enrollment's QR image and
 * compute TOTP codes from the key it holds.
 *
 * <pre>java -cp STACK_CLASSPATH dev.mfa.localstack.AuthenticatorApp decode-qr qr.png
 *     prints the otpauth:// URI in the image
 * java -cp STACK_CLASSPATH dev.mfa.localstack.AuthenticatorApp code [--after STEP] &lt; uri.txt
 *     prints "STEP CODE": the code of the current time step, or of STEP+1 when that is later (the next code the app
 *     shows after STEP was used)</pre>
 * The URI is read from standard input, never from the command line, so that the key does not show in {@code ps}.
 */
public final class AuthenticatorApp {

    private AuthenticatorApp() {}

    public static void main(String[] argv) throws IOException {
        if (argv.length == 0) {
            usage();
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        try {
            switch (argv[0]) {
                case "decode-qr" -> {
                    if (rest.length != 1) {
                        usage();
                    }
                    System.out.println(decodeQr(Files.readAllBytes(Path.of(rest[0]))));
                }
                case "code" -> {
                    Args args = Args.parse(rest);
                    String after = args.get("after", null, null);
                    String uri = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).trim();
                    long step = after == null ? Long.MIN_VALUE : Long.parseLong(after.trim());
                    Code code = code(Clock.systemUTC(), uri, step);
                    System.out.println(code.step() + " " + code.code());
                }
                default -> usage();
            }
        } catch (IllegalArgumentException e) {
            // OtpAuthUri's messages never repeat the URI (it holds the key), so they are safe to print
            System.err.println("AuthenticatorApp: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage() {
        System.err.println("usage: AuthenticatorApp decode-qr FILE | code [--after STEP] < uri");
        System.exit(2);
    }

    /**
     * The text of the QR code in a PNG image. {@code PURE_BARCODE}: the image is a clean, unrotated code with a quiet
     * zone (what the service renders), so the reader samples the modules directly instead of searching for finder
     * patterns — the search misses about 1 % of clean images.
     */
    public static String decodeQr(byte[] png) throws IOException {
        BufferedImage image;
        try (InputStream in = new ByteArrayInputStream(png)) {
            image = ImageIO.read(in);
        }
        if (image == null) {
            throw new IllegalArgumentException("not an image");
        }
        return decodeQr(image);
    }

    public static String decodeQr(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
        LuminanceSource source = new RGBLuminanceSource(w, h, pixels);
        try {
            return new QRCodeReader()
                    .decode(
                            new BinaryBitmap(new HybridBinarizer(source)),
                            Map.of(
                                    DecodeHintType.PURE_BARCODE,
                                    Boolean.TRUE,
                                    DecodeHintType.CHARACTER_SET,
                                    StandardCharsets.UTF_8.name()))
                    .getText();
        } catch (NotFoundException | ChecksumException | FormatException e) {
            throw new IllegalArgumentException(
                    "no readable QR code in the image (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A code and its time step. */
    public record Code(long step, String code) {
        @Override
        public String toString() {
            return "Code[step=" + step + ", code=<redacted>]";
        }
    }

    /** The code of the current step, or of {@code usedStep + 1} when that is later. */
    public static Code code(Clock clock, String uri, long usedStep) {
        OtpAuthUri key = OtpAuthUri.parse(uri);
        Totp totp = new Totp(clock, key.totpParameters());
        long now = totp.currentStep();
        long step = usedStep == Long.MIN_VALUE ? now : Math.max(now, usedStep + 1);
        return new Code(step, totp.generateAt(key.secretBytes(), step));
    }
}
