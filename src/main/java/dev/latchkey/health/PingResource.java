package dev.latchkey.health;

import dev.latchkey.json.JsonValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * GET /ping: an unauthenticated constant answer through the same container, filters and JSON
 * writer as every other endpoint. It is the performance floor the benchmarks compare the
 * authenticated endpoints against (bench/load), and a cheap liveness probe for a load balancer.
 * It reveals nothing and touches neither the database nor the caches.
 */
@Path("/ping")
@ApplicationScoped
public class PingResource {

    private static final JsonObject PONG = JsonValues.createObjectBuilder().add("status", "ok").build();

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject ping() {
        return PONG;
    }
}
