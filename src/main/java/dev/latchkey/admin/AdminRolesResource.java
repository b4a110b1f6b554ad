package dev.latchkey.admin;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.NoStore;
import dev.latchkey.input.StrictJson;
import dev.latchkey.json.JsonValues;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.role.RoleNames;
import dev.latchkey.role.Roles;
import dev.latchkey.role.StaleRights;
import dev.latchkey.security.AuthenticatedCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Roles and their permissions (role admin, with a second factor). A change of a role's permissions
 * reaches its holders' tokens at their next refresh; the tokens they hold are cut off once the
 * change has committed ({@link StaleRights}).
 */
@Path("/admin/roles")
@RequestScoped
@RolesAllowed("admin")
public class AdminRolesResource {

    private static final String DESCRIPTION = "description";
    private static final String PERMISSIONS = "permissions";
    private static final int MAX_DESCRIPTION = 500;

    @Inject
    Roles roles;

    @Inject
    StaleRights staleRights;

    @Inject
    AuditLog audit;

    @Inject
    AuthenticatedCaller caller;

    @Context
    HttpServletRequest request;

    @Context
    UriInfo uri;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        return NoStore.applyTo(Response.ok(JsonValues.objectWithList("roles", roles.all(), AdminRolesResource::describe))).build();
    }

    /** {@code {"description": "...", "permissions": [...]}} creates the role (201) or replaces its definition (200). */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response define(@PathParam("name") String name, InputStream body) {
        if (!RoleNames.isRole(name)) {
            throw ProblemException.badRequest("A role name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        StrictJson.Document document = StrictJson.readObjectWithLists(body, Set.of(PERMISSIONS), Set.of(DESCRIPTION));
        String description = document.strings().getOrDefault(DESCRIPTION, "");
        if (description.length() > MAX_DESCRIPTION || description.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.badRequest("description must be at most " + MAX_DESCRIPTION + " characters, with no control characters.");
        }
        Set<String> permissions = new TreeSet<>();
        for (String permission : document.lists().get(PERMISSIONS)) {
            if (!RoleNames.isPermission(permission)) {
                throw ProblemException.badRequest("Every permission must be resource:action, in [a-z0-9._-] (and * in the action).");
            }
            permissions.add(permission);
        }
        Roles.Redefinition definition = roles.define(name, description, permissions);
        audit.recordRoleDefinition(AuditEvent.ADMIN_ROLE_DEFINED, definition.created() ? "created" : "replaced", actor(), name,
                definition.before(), definition.role().permissions(), ClientInfo.of(request));
        if (definition.permissionsChanged()) {
            staleRights.cutOffHolders(name, List.of());
        }
        return NoStore.applyTo(Response.status(definition.created() ? 201 : 200).entity(describe(definition.role()).build())).build();
    }

    /** {@code ?force=true} takes the role from its holders first; a built-in role is never deleted. */
    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        List<String> force = uri.getQueryParameters().getOrDefault("force", List.of());
        if (uri.getQueryParameters().keySet().stream().anyMatch(parameter -> !parameter.equals("force"))
                || force.size() > 1 || (force.size() == 1 && !Set.of("true", "false").contains(force.get(0)))) {
            throw ProblemException.badRequest("The query may contain only force=true or force=false.");
        }
        Roles.Deletion deletion = roles.delete(name, force.size() == 1 && force.get(0).equals("true"));
        audit.recordRoleDefinition(AuditEvent.ADMIN_ROLE_DELETED, "success", actor(), name, deletion.permissions(), List.of(),
                ClientInfo.of(request));
        staleRights.cutOffHolders(name, deletion.holders());
        return Response.noContent().build();
    }

    private static JsonObjectBuilder describe(Roles.Definition role) {
        return JsonValues.createObjectBuilder()
                .add("name", role.name())
                .add(DESCRIPTION, role.description())
                .add("built_in", role.builtIn())
                .add(PERMISSIONS, JsonValues.createArrayBuilder(role.permissions()));
    }

    private String actor() {
        return caller.principal().getName();
    }
}
