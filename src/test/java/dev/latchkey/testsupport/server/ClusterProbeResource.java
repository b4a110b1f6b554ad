package dev.latchkey.testsupport.server;

import dev.latchkey.cluster.CacheContainer;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;
import java.util.TreeMap;

/**
 * Test deployments only: what a hostile node's own code could do to the cache cluster (empty the
 * replicated revocation list and rate-limit buckets), and which system properties hold a value.
 */
@Path("/test-support/cluster")
@RequestScoped
public class ClusterProbeResource {

    @Inject
    CacheContainer container;

    /** Clears this node's revocation and rate-limit caches; on a member that clears them cluster-wide. */
    @POST
    @Path("clear-caches")
    public Response clearCaches() {
        container.cache(CacheContainer.REVOCATIONS).clear();
        container.cache(CacheContainer.RATE_LIMITS).clear();
        return Response.noContent().build();
    }

    /** The names of the system properties whose value contains the posted text. */
    @POST
    @Path("system-properties-containing")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public JsonArray systemPropertiesContaining(String text) {
        JsonArrayBuilder names = Json.createArrayBuilder();
        Map<String, String> properties = new TreeMap<>();
        System.getProperties().forEach((key, value) -> properties.put(String.valueOf(key), String.valueOf(value)));
        properties.forEach((key, value) -> {
            if (!text.isEmpty() && value.contains(text)) {
                names.add(key);
            }
        });
        return names.build();
    }
}
