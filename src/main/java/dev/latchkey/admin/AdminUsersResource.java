package dev.latchkey.admin;

import dev.latchkey.account.DirectoryStatus;
import dev.latchkey.account.EmailAddress;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.NoStore;
import dev.latchkey.input.QueryParameters;
import dev.latchkey.input.StrictJson;
import dev.latchkey.mfa.SecondFactors;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.role.RoleNames;
import dev.latchkey.security.AuthenticatedCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Administration of users (role admin, also enforced for /admin/* in web.xml, and with a second
 * factor by {@link AdministratorSecondFactor}). An id that is not a UUID is "not found", like an
 * unknown one: it never reaches a query.
 */
@Path("/admin/users")
@RequestScoped
@RolesAllowed("admin")
public class AdminUsersResource {

    private static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Set<String> SEARCH_PARAMETERS = Set.of("email_prefix", "status", "role", "limit", "cursor");
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;
    private static final String ROLES = "roles";

    @Inject
    AdminService admin;

    @Inject
    UserDirectory directory;

    @Inject
    AuthenticatedCaller caller;

    @Inject
    SecondFactors secondFactors;

    @Context
    HttpServletRequest request;

    @Context
    UriInfo uri;

    /** {@code ?email_prefix= &status= &role= &limit= &cursor=}: one page, in e-mail order. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response search() {
        QueryParameters query = QueryParameters.of(uri, SEARCH_PARAMETERS);
        Optional<String> prefix = query.get("email_prefix").map(value -> {
            if (value.length() > EmailAddress.MAX_LENGTH) {
                throw ProblemException.badRequest("email_prefix is longer than any address.");
            }
            return EmailAddress.normalizePrefix(value);
        });
        Optional<DirectoryStatus> status = query.get("status").map(value -> DirectoryStatus.parse(value)
                .orElseThrow(() -> ProblemException.badRequest("status must be active, disabled or pending.")));
        Optional<String> role = query.get("role").map(value -> {
            if (!RoleNames.isRole(value)) {
                throw ProblemException.badRequest("role is not a role name.");
            }
            return value;
        });
        Optional<String> cursor = query.get("cursor").filter(value -> !value.isEmpty());
        int limit = query.limit(DEFAULT_LIMIT, MAX_LIMIT);
        return NoStore.applyTo(Response.ok(directory.page(new UserDirectory.Search(prefix, status, role, cursor, limit)))).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response user(@PathParam("id") String userId) {
        return NoStore.applyTo(Response.ok(directory.user(knownShape(userId)).orElseThrow(AdminUsersResource::noSuchUser))).build();
    }

    /** {@code {"roles": [...]}} replaces the set; the user's tokens issued before are cut off once it has committed. */
    @PUT
    @Path("{id}/roles")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response replaceRoles(@PathParam("id") String userId, InputStream body) {
        String id = knownShape(userId);
        List<String> requested = StrictJson.readObjectWithLists(body, Set.of(ROLES), Set.of()).lists().get(ROLES);
        Set<String> roles = new HashSet<>();
        for (String role : requested) {
            if (!RoleNames.isRole(role)) {
                throw ProblemException.badRequest("Every entry of roles must be a role name.");
            }
            roles.add(role);
        }
        if (!admin.replaceRoles(id, roles, actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        admin.cutOffStaleRights(id);
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/revoke-tokens")
    public Response revokeTokens(@PathParam("id") String userId) {
        if (!admin.revokeTokens(knownShape(userId), actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/disable")
    public Response disable(@PathParam("id") String userId) {
        if (!admin.disable(knownShape(userId), actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/enable")
    public Response enable(@PathParam("id") String userId) {
        if (!admin.enable(knownShape(userId), actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        return Response.noContent().build();
    }

    /** Mails the user a reset link, as {@code /auth/password/forgot} would. */
    @POST
    @Path("{id}/password-reset")
    public Response sendPasswordReset(@PathParam("id") String userId) {
        if (!admin.sendPasswordReset(knownShape(userId), actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        return Response.accepted().build();
    }

    /** Removes the user's authenticator and recovery codes (both lost), ends their sessions, tells them. */
    @POST
    @Path("{id}/mfa/reset")
    public Response resetSecondFactor(@PathParam("id") String userId) {
        if (!secondFactors.resetByAdministrator(knownShape(userId), actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        return Response.noContent().build();
    }

    /** Erasure: see {@link AdminService#erase}. */
    @DELETE
    @Path("{id}")
    public Response erase(@PathParam("id") String userId) {
        String id = knownShape(userId);
        boolean erased = admin.erase(id, actor(), ClientInfo.of(request));
        admin.pseudonymizeStoredEvents(id);
        if (!erased) {
            throw noSuchUser();
        }
        return Response.noContent().build();
    }

    /** The administrator taking the action, for the audit log. */
    private String actor() {
        return caller.principal().getName();
    }

    private static String knownShape(String userId) {
        if (!UUID_SHAPE.matcher(userId).matches()) {
            throw noSuchUser();
        }
        return userId;
    }

    private static ProblemException noSuchUser() {
        return new ProblemException(Problem.of(404, "not-found", "Not Found", "There is no such user."));
    }
}
