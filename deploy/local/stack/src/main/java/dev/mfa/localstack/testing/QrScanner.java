package dev.mfa.localstack.testing;

import dev.mfa.localstack.AuthenticatorApp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * Reads the QR code images the services render: PNG bytes (or a PNG data URI) in, text out. For tests only.
 *
 * <p>The images are computer-drawn, upright, with a quiet zone: {@link AuthenticatorApp#decodeQr(BufferedImage)}
 * reads them in zxing's {@code PURE_BARCODE} mode; the default detector missed about 1 % of them.
 */
public final class QrScanner {

    public static final String PNG_DATA_URI = "data:image/png;base64,";

    private QrScanner() {}

    /** Reads as {@link AuthenticatorApp#decodeQr(BufferedImage)} does (one reader for the walkthrough and tests). */
    public static String decode(BufferedImage image) {
        try {
            return AuthenticatorApp.decodeQr(image);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(e.getMessage() + ", " + image.getWidth() + "x" + image.getHeight(), e);
        }
    }

    public static String decode(byte[] png) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new AssertionError("not a readable image (" + png.length + " bytes): " + e, e);
        }
        if (image == null) {
            throw new AssertionError("not an image (" + png.length + " bytes)");
        }
        return decode(image);
    }

    /** A {@code data:image/png;base64,...} URI. */
    public static String decodeDataUri(String dataUri) {
        if (dataUri == null || !dataUri.startsWith(PNG_DATA_URI)) {
            throw new AssertionError("not a PNG data URI");
        }
        return decode(Base64.getDecoder().decode(dataUri.substring(PNG_DATA_URI.length())));
    }
}
