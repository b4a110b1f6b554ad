package dev.latchkey.testsupport.server;

import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.crypto.TokenDigests;
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

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Test deployments only: what a copy of the database would show of one session row, a session
 * made to look like one an earlier version started, and the session step of housekeeping run now
 * rather than on its schedule.
 */
@Path("/test-support/token-family")
@RequestScoped
public class TokenFamilyRowResource {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    SessionService sessions;

    @Inject
    Clock clock;

    /**
     * Every text value a copy of the database holds for the session: its row's token hashes and
     * grace-window seal, and the history rows of its legacy tokens, one per line.
     */
    @GET
    @Path("{id}/stored-values")
    @Transactional
    public Response storedValues(@PathParam("id") String familyId) {
        List<String> values = new ArrayList<>();
        for (Object row : em.createNativeQuery("SELECT current_token_hash, previous_token_hash, successor_sealed, dpop_jkt"
                + " FROM token_family WHERE id = ?1").setParameter(1, familyId).getResultList()) {
            for (Object value : (Object[]) row) {
                if (value != null) {
                    values.add(value.toString());
                }
            }
        }
        for (Object hash : em.createNativeQuery("SELECT token_hash FROM refresh_token WHERE family_id = ?1")
                .setParameter(1, familyId).getResultList()) {
            values.add(hash.toString());
        }
        return Response.ok(String.join("\n", values)).build();
    }

    /** How many rows the legacy refresh-token history holds, all sessions together. */
    @GET
    @Path("history-rows")
    @Transactional
    public Response historyRows() {
        Number rows = (Number) em.createNativeQuery("SELECT COUNT(*) FROM refresh_token").getSingleResult();
        return Response.ok(Long.toString(rows.longValue())).build();
    }

    /**
     * Turns a live session into one an earlier version started: its current token becomes a
     * random legacy token, remembered by hash in the history as those versions did. Answers that
     * token, for the test to present.
     */
    @POST
    @Path("{id}/as-legacy")
    @Transactional
    public Response asLegacy(@PathParam("id") String familyId) {
        String legacyToken = RandomTokens.base64Url(32);
        String hash = TokenDigests.sha256(legacyToken);
        Number generation = (Number) em.createNativeQuery("SELECT generation FROM token_family WHERE id = ?1")
                .setParameter(1, familyId).getSingleResult();
        em.createNativeQuery("UPDATE token_family SET current_token_hash = ?1, previous_token_hash = NULL,"
                        + " successor_sealed = NULL WHERE id = ?2")
                .setParameter(1, hash).setParameter(2, familyId).executeUpdate();
        em.createNativeQuery("INSERT INTO refresh_token (token_hash, family_id, generation, issued_at) VALUES (?1, ?2, ?3, ?4)")
                .setParameter(1, hash).setParameter(2, familyId).setParameter(3, generation.intValue())
                .setParameter(4, clock.millis()).executeUpdate();
        return Response.ok(legacyToken).build();
    }

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
