package dev.latchkey.admin;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.mfa.SecondFactors;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.security.AuthenticatedCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/** Administration of other users' access (role admin, also enforced for /admin/* in web.xml). */
@Path("/admin/users/{id}")
@RequestScoped
@RolesAllowed("admin")
public class AdminUsersResource {

    @Inject
    AdminService admin;

    @Inject
    AuthenticatedCaller caller;

    @Inject
    SecondFactors secondFactors;

    @Context
    HttpServletRequest request;

    @POST
    @Path("revoke-tokens")
    public Response revokeTokens(@PathParam("id") String userId) {
        if (!admin.revokeTokens(userId, actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        return Response.noContent().build();
    }

    @POST
    @Path("disable")
    public Response disable(@PathParam("id") String userId) {
        if (!admin.disable(userId, actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        return Response.noContent().build();
    }

    /** Removes the user's authenticator and recovery codes (both lost), ends their sessions, tells them. */
    @POST
    @Path("mfa/reset")
    public Response resetSecondFactor(@PathParam("id") String userId) {
        if (!secondFactors.resetByAdministrator(userId, actor(), ClientInfo.of(request))) {
            throw noSuchUser();
        }
        return Response.noContent().build();
    }

    /** The administrator taking the action, for the audit log. */
    private String actor() {
        return caller.principal().getName();
    }

    private static ProblemException noSuchUser() {
        return new ProblemException(Problem.of(404, "not-found", "Not Found", "There is no such user."));
    }
}
