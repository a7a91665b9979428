package dev.mfa.verification.bench;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * BENCHMARK ONLY (test sources, never in the service): the ceiling of this stack, one HTTP call doing one single-row
 * UPDATE, once through the bare reactive client and once through Hibernate Reactive as the service does.
 */
@Path("/bench")
@PermitAll
public class CeilingResource {

    static final String UPDATE = "update bench_row set n = n + 1 where id = ";

    private final Pool pool;

    public CeilingResource(Pool pool) {
        this.pool = pool;
    }

    @POST
    @Path("ceiling/{id}")
    public Uni<Response> ceiling(@PathParam("id") int id) {
        return pool.preparedQuery(UPDATE + "$1").execute(Tuple.of(id))
                .map(rows -> Response.noContent().build());
    }

    @POST
    @Path("ceiling-hr/{id}")
    public Uni<Response> ceilingHibernate(@PathParam("id") int id) {
        return Panache.withTransaction(() -> Panache.getSession().flatMap(s -> s.createNativeQuery(UPDATE + ":id")
                        .setParameter("id", id).executeUpdate()))
                .map(n -> Response.noContent().build());
    }
}
