package dev.latchkey.session;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.json.JsonValues;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.security.AuthenticatedCaller;
import dev.latchkey.token.VerifiedAccessToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.regex.Pattern;

/** The caller's own live sessions (protected in web.xml). */
@Path("/auth/sessions")
@RequestScoped
public class SessionsResource {

    private static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Inject
    SessionService sessions;

    @Inject
    AuthenticatedCaller caller;

    @Inject
    AuditLog audit;

    @Context
    HttpServletRequest request;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject list() {
        VerifiedAccessToken token = caller.token();
        return JsonValues.objectWithList("sessions", sessions.liveSessions(token.subject()),
                family -> describe(family).add("current", family.id().equals(token.familyId())));
    }

    /** A live session as its owner sees it here, and an administrator in {@code GET /admin/users/{id}}. */
    public static JsonObjectBuilder describe(TokenFamily family) {
        JsonObjectBuilder session = JsonValues.createObjectBuilder()
                .add("id", family.id())
                .add("created", family.createdAt().toString())
                .add("last_used", family.lastUsedAt().toString())
                .add("expires", family.absoluteExpiresAt().toString())
                .add("remember_me", family.rememberMe());
        JsonValues.addIfPresent(session, "user_agent", family.userAgent());
        return JsonValues.addIfPresent(session, "ip", family.clientIp());
    }

    /** Someone else's session, or an id that is not one, is "not found": nothing confirms it exists. */
    @DELETE
    @Path("{id}")
    public Response end(@PathParam("id") String id) {
        String userId = caller.token().subject();
        if (!UUID_SHAPE.matcher(id).matches()
                || !sessions.endSessionOf(userId, id, TokenFamily.RevocationReason.REVOKED_BY_USER)) {
            throw new ProblemException(Problem.of(404, "not-found", "Not Found", "You have no such session."));
        }
        audit.record(AuditEvent.SESSION_REVOKED, "by_user", userId, id, ClientInfo.of(request));
        return Response.noContent().build();
    }
}
