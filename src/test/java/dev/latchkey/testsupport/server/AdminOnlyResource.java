package dev.latchkey.testsupport.server;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test deployments only: a resource that needs a role ordinary users lack, under the authenticated /api tree. */
@Path("/api/test-support/admin-only")
@RequestScoped
public class AdminOnlyResource {

    @GET
    @RolesAllowed("admin")
    public String adminOnly() {
        return "admin";
    }
}
