package dev.mfa.enrollment;

import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 10: the QR code of a pending secret needs the reauth token, not the access token alone. */
@QuarkusTest
class QrNeedsReauthIT {

    private static final String ORG = "qr-org";

    @Test
    void qrPngWithoutTheReauthTokenIs401() {
        String user = "qr-" + UUID.randomUUID();
        Db.user(user, ORG, null, "OPTIONAL");
        String reauth = Api.reauth(user, ORG);
        String id = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .post("/api/v1/me/mfa/authenticator-app")
                .then()
                .statusCode(201)
                .extract()
                .path("enrollmentId");
        String qr = "/api/v1/me/mfa/enrollments/" + id + "/qr.png";
        Api.problem(Api.user(user, ORG).get(qr).then(), 401, "reauth-required");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", "not-" + reauth)
                        .get(qr)
                        .then(),
                401,
                "reauth-required");
        Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .get(qr)
                .then()
                .statusCode(200)
                .contentType("image/png")
                .header("Cache-Control", "no-store");
    }
}
