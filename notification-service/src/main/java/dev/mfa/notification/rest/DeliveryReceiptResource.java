package dev.mfa.notification.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.notification.service.ReceiptService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Vonage delivery receipts. Public (Vonage calls it), authenticated by Vonage's signature when a signature secret is
 * configured. Vonage may send a receipt as query parameters (GET or POST), a form body or a JSON body; all are
 * accepted. Answers 204 so that Vonage does not retry; 401/400 problems for unsigned or malformed receipts.
 */
@Path("/webhooks/vonage/delivery-receipt")
@PermitAll
public class DeliveryReceiptResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReceiptService receipts;

    public DeliveryReceiptResource(ReceiptService receipts) {
        this.receipts = receipts;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> post(@Context UriInfo uri, @HeaderParam("Content-Type") String contentType, String body) {
        Map<String, String> params = query(uri);
        params.putAll(body(contentType, body));
        return handle(params);
    }

    @GET
    public Uni<Response> get(@Context UriInfo uri) {
        return handle(query(uri));
    }

    private Uni<Response> handle(Map<String, String> params) {
        return receipts.handle(params).replaceWith(Response.noContent().build());
    }

    private static Map<String, String> query(UriInfo uri) {
        Map<String, String> params = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((name, values) -> first(values, name, params));
        return params;
    }

    private static void first(List<String> values, String name, Map<String, String> into) {
        if (values != null && !values.isEmpty()) {
            into.put(name, values.get(0));
        }
    }

    static Map<String, String> body(String contentType, String body) {
        Map<String, String> params = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return params;
        }
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String trimmed = body.strip();
        if (type.contains("json") || (!type.contains("form") && trimmed.startsWith("{"))) {
            JsonNode node;
            try {
                node = JSON.readTree(trimmed);
            } catch (IOException e) {
                throw ProblemException.badRequest("The receipt body is not valid JSON.");
            }
            if (node == null || !node.isObject()) {
                throw ProblemException.badRequest("The receipt body must be a JSON object.");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                    params.put(f.getKey(), f.getValue().asText());
                }
            }
            return params;
        }
        for (String pair : trimmed.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("The receipt body is not valid form data.");
            }
        }
        return params;
    }
}
