package dev.latchkey.testsupport.server;

import dev.latchkey.cluster.CacheContainer;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Test and benchmark deployments only: heap in use after garbage collection, and the revocation cache size. */
@Path("/test-support/memory")
@RequestScoped
public class MemoryResource {

    @Inject
    CacheContainer container;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject memory() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // Several collections and the lowest reading: one System.gc() may leave floating garbage.
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return Json.createObjectBuilder()
                .add("usedHeapBytes", used)
                .add("revocationEntries", container.cache(CacheContainer.REVOCATIONS).size())
                .build();
    }
}
