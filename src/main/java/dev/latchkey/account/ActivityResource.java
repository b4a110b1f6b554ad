package dev.latchkey.account;

import dev.latchkey.audit.AuditTrail;
import dev.latchkey.http.NoStore;
import dev.latchkey.input.QueryParameters;
import dev.latchkey.json.JsonValues;
import dev.latchkey.security.AuthenticatedCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.Set;

/**
 * The caller's own recent security events (protected in web.xml): sign-ins, password and
 * second-factor changes, sessions ended, administrators' actions on the account, so that the
 * owner can spot what they did not do. An administrator is shown as one, never by id.
 */
@Path("/auth/activity")
@RequestScoped
public class ActivityResource {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 100;

    @Inject
    AuditTrail trail;

    @Inject
    AuthenticatedCaller caller;

    @Context
    UriInfo uri;

    @GET
    @RolesAllowed("user")
    @Produces(MediaType.APPLICATION_JSON)
    public Response activity() {
        int limit = QueryParameters.of(uri, Set.of("limit")).limit(DEFAULT_LIMIT, MAX_LIMIT);
        String userId = caller.token().subject();
        return NoStore.applyTo(Response.ok(JsonValues.objectWithList("events", trail.activityOf(userId, limit), event -> {
            JsonObjectBuilder json = JsonValues.createObjectBuilder()
                    .add("time", event.occurredAt().toString())
                    .add("type", event.event())
                    .add("outcome", event.outcome())
                    .add("by_administrator", event.actorId() != null && !event.actorId().equals(userId));
            JsonValues.addIfPresent(json, "session", event.sessionId());
            JsonValues.addIfPresent(json, "ip", event.ip());
            return JsonValues.addIfPresent(json, "user_agent", event.userAgent());
        }))).build();
    }
}
