package dev.mfa.systemtests.support;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.ChecksumException;
import com.google.zxing.FormatException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;

/** Scans a QR code like a phone's authenticator app would: PNG bytes in, text out. */
public final class Qr {

    private static final String PNG_DATA_URI = "data:image/png;base64,";

    private Qr() {
    }

    public static String decode(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new AssertionError("not an image (" + png.length + " bytes)");
            }
            BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
            return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.FALSE,
                    DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
        } catch (IOException | NotFoundException | ChecksumException | FormatException e) {
            throw new AssertionError("no readable QR code in the image: " + e, e);
        }
    }

    /** A {@code data:image/png;base64,...} URI. */
    public static String decodeDataUri(String dataUri) {
        if (dataUri == null || !dataUri.startsWith(PNG_DATA_URI)) {
            throw new AssertionError("qrCodeDataUri is not a PNG data URI");
        }
        return decode(Base64.getDecoder().decode(dataUri.substring(PNG_DATA_URI.length())));
    }
}
