package dev.mfa.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.systemtests.support.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** Reads the claims of a JWT (the MFA assertion) without verifying it: enrollment-service does that. */
final class Jwt {

    private Jwt() {}

    static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new AssertionError("not a JWS compact token");
        }
        try {
            return Http.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
