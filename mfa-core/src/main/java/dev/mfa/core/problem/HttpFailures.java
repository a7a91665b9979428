package dev.mfa.core.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Problem responses for what the HTTP layer rejects before a JAX-RS resource (and so {@link ProblemMappers}) is
 * reached: a body over {@code quarkus.http.limits.max-body-size}, which Quarkus answers with a bare 413, and
 * failures a Vert.x route signals with a status only ({@code ctx.fail(400)}). What Vert.x rejects before routing
 * (an undecodable request line or path) is answered by Vert.x itself and cannot be changed here.
 */
@ApplicationScoped
public class HttpFailures {

    private static final Logger LOG = Logger.getLogger(HttpFailures.class);

    /** Just before Quarkus's own Content-Length check (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT = -2). */
    static final int BODY_LIMIT_ORDER = -3;

    static final String SIZE_LIMIT_PROPERTY = "quarkus.http.limits.max-body-size";

    void install(@Observes Router router, ObjectMapper mapper) {
        OptionalLong limit = ConfigProvider.getConfig()
                .getOptionalValue(SIZE_LIMIT_PROPERTY, MemorySize.class)
                .map(size -> OptionalLong.of(size.asLongValue()))
                .orElse(OptionalLong.empty());
        install(router, limit, mapper);
    }

    /** Adds the body-size check (when there is a limit) and the failure handler to {@code router}. */
    public static void install(Router router, OptionalLong maxBodySize, ObjectMapper mapper) {
        if (maxBodySize.isPresent()) {
            long max = maxBodySize.getAsLong();
            router.route().order(BODY_LIMIT_ORDER).handler(ctx -> {
                if (declaredLength(ctx) > max) {
                    tooLarge(ctx, max, mapper);
                } else {
                    ctx.next();
                }
            });
        }
        // Failure handlers run in route order: this one sees a failure before Quarkus's default error page.
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> failure(ctx, mapper));
    }

    private static long declaredLength(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (header == null) {
            // A chunked body is counted while it is read (Quarkus's own limit, then the problem mappers).
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void tooLarge(RoutingContext ctx, long max, ObjectMapper mapper) {
        Problem problem = Problem.of(
                413, "payload-too-large", "Payload too large", "The request body is larger than " + max + " bytes.");
        HttpServerResponse response = ctx.response();
        // The body is not read: the connection cannot be reused, as Quarkus does for its own 413.
        response.putHeader(HttpHeaderNames.CONNECTION, "close");
        response.endHandler(ignored -> ctx.request().connection().close());
        send(ctx, problem, mapper);
    }

    private static void failure(RoutingContext ctx, ObjectMapper mapper) {
        Throwable failure = ctx.failure();
        int status;
        if (failure == null) {
            status = ctx.statusCode();
        } else if (failure instanceof HttpException http) {
            status = http.getStatusCode();
        } else {
            // Exceptions (security, resources) have their own handlers: Quarkus's and ProblemMappers.
            ctx.next();
            return;
        }
        if (status < 400
                || status > 599
                || ctx.response().headWritten()
                || ctx.response().ended()) {
            ctx.next();
            return;
        }
        HttpResponseStatus reason = HttpResponseStatus.valueOf(status);
        String title = reason.reasonPhrase();
        String slug = ProblemCatalogue.slugForStatus(status, title);
        if (status >= 500) {
            LOG.errorf("request failed in the HTTP layer with %d", status);
        }
        // The failure's message is not echoed: it can quote the request.
        Problem problem = Problem.of(
                status,
                slug,
                title,
                status == 400 ? "The request could not be read (bad encoding or syntax)." : title + ".");
        send(ctx, problem, mapper);
    }

    private static void send(RoutingContext ctx, Problem problem, ObjectMapper mapper) {
        VertxProblems.send(ctx.response(), problem, mapper);
    }
}
