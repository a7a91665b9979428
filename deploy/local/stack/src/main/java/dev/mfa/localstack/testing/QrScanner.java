package dev.mfa.localstack.testing;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the QR code images the services render: PNG bytes (or a PNG data URI) in, text out. For tests only.
 *
 * <p>The images are computer-drawn, upright, with a quiet zone: zxing's {@code PURE_BARCODE} mode reads their
 * modules directly. Its default finder-pattern detector (made for camera photos) misses about 1 % of such clean
 * images, which made tests fail by chance.
 */
public final class QrScanner {

    public static final String PNG_DATA_URI = "data:image/png;base64,";

    private static final Map<DecodeHintType, Object> HINTS = Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE,
            DecodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());

    private QrScanner() {
    }

    public static String decode(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h,
                image.getRGB(0, 0, w, h, null, 0, w))));
        try {
            return new QRCodeReader().decode(bitmap, HINTS).getText();
        } catch (NotFoundException | ChecksumException | FormatException e) {
            throw new AssertionError("no readable QR code in the " + image.getWidth() + "x" + image.getHeight()
                    + " image: " + e, e);
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
