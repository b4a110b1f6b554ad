package dev.latchkey.admin;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditRecord;
import dev.latchkey.audit.AuditTrail;
import dev.latchkey.http.NoStore;
import dev.latchkey.input.QueryParameters;
import dev.latchkey.json.JsonValues;
import dev.latchkey.keys.RecordSealer;
import dev.latchkey.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The stored audit trail for administrators: {@code GET /admin/audit?user=&type=&since=&until=&limit=&cursor=},
 * newest first, keyset-paginated (role admin, with a second factor).
 */
@Path("/admin/audit")
@RequestScoped
@RolesAllowed("admin")
public class AdminAuditResource {

    private static final Set<String> PARAMETERS = Set.of("user", "type", "since", "until", "limit", "cursor");
    private static final Set<String> EVENT_TYPES = Set.copyOf(Arrays.stream(AuditEvent.values()).map(AuditEvent::code).toList());
    /** A user id, or an erased user's pseudonym (43 base64url characters). */
    private static final Pattern USER = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_-]{43}");
    /** The cursor is the time and id of the page's last event ({@link PageCursors}). */
    private static final String CURSOR_PURPOSE = "admin-audit-cursor";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    @Inject
    AuditTrail trail;

    @Inject
    RecordSealer sealer;

    @Context
    UriInfo uri;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response search() {
        QueryParameters query = QueryParameters.of(uri, PARAMETERS);
        Optional<String> user = query.get("user").map(value -> {
            if (!USER.matcher(value).matches()) {
                throw ProblemException.badRequest("user must be a user id or an erased user's pseudonym.");
            }
            return value;
        });
        Optional<String> type = query.get("type").map(value -> {
            if (!EVENT_TYPES.contains(value)) {
                throw ProblemException.badRequest("type must be an audit event type, such as login or admin_roles_changed.");
            }
            return value;
        });
        Optional<Instant> since = query.get("since").map(value -> instant("since", value));
        Optional<Instant> until = query.get("until").map(value -> instant("until", value));
        int limit = query.limit(DEFAULT_LIMIT, MAX_LIMIT);
        Optional<AuditTrail.Position> after = query.get("cursor").filter(value -> !value.isEmpty())
                .map(this::openCursor);

        List<AuditRecord> found = trail.search(user, type, since, until, after, limit + 1);
        List<AuditRecord> page = found.subList(0, Math.min(limit, found.size()));
        JsonArrayBuilder events = JsonValues.createArrayBuilder();
        page.forEach(event -> events.add(describe(event)));
        JsonObjectBuilder answer = JsonValues.createObjectBuilder().add("events", events);
        if (found.size() > limit) {
            AuditRecord last = page.get(page.size() - 1);
            answer.add("next_cursor", PageCursors.seal(sealer, CURSOR_PURPOSE, last.occurredAt().toEpochMilli() + " " + last.id()));
        }
        return NoStore.applyTo(Response.ok(answer.build())).build();
    }

    private static JsonObjectBuilder describe(AuditRecord event) {
        JsonObjectBuilder json = JsonValues.createObjectBuilder()
                .add("id", event.id())
                .add("time", event.occurredAt().toString())
                .add("type", event.event())
                .add("outcome", event.outcome());
        JsonValues.addIfPresent(json, "actor", event.actorId());
        JsonValues.addIfPresent(json, "user", event.userId());
        JsonValues.addIfPresent(json, "session", event.sessionId());
        JsonValues.addIfPresent(json, "subject", event.subject());
        JsonValues.addIfPresent(json, "ip", event.ip());
        JsonValues.addIfPresent(json, "user_agent", event.userAgent());
        if (event.details() != null) {
            json.add("details", JsonValues.parseObject(event.details()));
        }
        return json;
    }

    private AuditTrail.Position openCursor(String cursor) {
        String[] parts = PageCursors.open(sealer, CURSOR_PURPOSE, cursor).split(" ", 2);
        return new AuditTrail.Position(Instant.ofEpochMilli(Long.parseLong(parts[0])), parts[1]);
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + " must be an instant such as 2026-12-01T00:00:00Z.");
        }
    }
}
