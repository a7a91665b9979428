package dev.mfa.enrollment.service;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.mfa.enrollment.config.TotpConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** QR codes of otpauth URIs: PNG, error correction M, at least 256 px, the standard 4-module quiet zone. */
@ApplicationScoped
public class QrCodes {

    public static final int MIN_SIZE = 256;
    public static final int QUIET_ZONE_MODULES = 4;
    public static final String DATA_URI_PREFIX = "data:image/png;base64,";

    private final int size;

    public QrCodes(TotpConfig config) {
        this.size = Math.max(MIN_SIZE, config.qrSize());
    }

    public byte[] png(String content) {
        try {
            BitMatrix matrix = new QRCodeWriter()
                    .encode(
                            content,
                            BarcodeFormat.QR_CODE,
                            size,
                            size,
                            Map.of(
                                    EncodeHintType.ERROR_CORRECTION,
                                    ErrorCorrectionLevel.M,
                                    EncodeHintType.MARGIN,
                                    QUIET_ZONE_MODULES,
                                    EncodeHintType.CHARACTER_SET,
                                    StandardCharsets.UTF_8.name()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "PNG", out);
            return out.toByteArray();
        } catch (WriterException e) {
            throw new IllegalStateException("cannot encode QR code", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String dataUri(String content) {
        return DATA_URI_PREFIX + Base64.getEncoder().encodeToString(png(content));
    }
}
