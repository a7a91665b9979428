package dev.mfa.web;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** RFC 9457 answers of the edge itself, in the services' style. */
final class Problems {

    static final String TYPE_PREFIX = "https://mfa.dev/problems/";

    private Problems() {}

    static void send(HttpServerResponse response, int status, String slug, String title, String detail) {
        if (response.ended() || response.headWritten()) {
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", TYPE_PREFIX + slug)
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .end(body.encode());
    }
}
