package dev.latchkey.testsupport.server;

import dev.latchkey.session.SessionService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * Test deployments only: what a copy of the database would show of one session row, and the
 * session step of housekeeping run now rather than on its schedule. Only whether the grace-window
 * seal is there is answered, never its value.
 */
@Path("/test-support/token-family")
@RequestScoped
public class TokenFamilyRowResource {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    SessionService sessions;

    /** 200 "sealed" or "empty", read straight from the column; 404 for no such row. */
    @GET
    @Path("{id}/successor-sealed")
    @Transactional
    public Response successorSealed(@PathParam("id") String familyId) {
        List<?> rows = em.createNativeQuery("SELECT successor_sealed FROM token_family WHERE id = ?1")
                .setParameter(1, familyId).getResultList();
        if (rows.isEmpty()) {
            return Response.status(404).build();
        }
        return Response.ok(rows.get(0) == null ? "empty" : "sealed").build();
    }

    /** What {@code Housekeeping} does to sessions on each run. */
    @POST
    @Path("housekeeping")
    public Response housekeeping() {
        sessions.prune();
        return Response.noContent().build();
    }
}
