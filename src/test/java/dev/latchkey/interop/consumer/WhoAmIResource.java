package dev.latchkey.interop.consumer;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.TreeSet;

@Path("/")
@RequestScoped
public class WhoAmIResource {

    @Inject
    JsonWebToken jwt;

    @Context
    SecurityContext security;

    @GET
    @Path("whoami")
    @RolesAllowed("user")
    @Produces(MediaType.APPLICATION_JSON)
    public String whoami() {
        return Json.createObjectBuilder()
                .add("principal", security.getUserPrincipal().getName())
                .add("name", jwt.getName())
                .add("subject", jwt.getSubject())
                .add("groups", Json.createArrayBuilder(new TreeSet<>(jwt.getGroups())))
                .add("admin", security.isUserInRole("admin"))
                .build().toString();
    }

    @GET
    @Path("admin-only")
    @RolesAllowed("admin")
    public String adminOnly() {
        return "admin";
    }
}
