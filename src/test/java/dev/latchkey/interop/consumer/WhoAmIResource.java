package dev.latchkey.interop.consumer;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Collection;
import java.util.Set;
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

    /**
     * A route of the consuming application that demands a second factor, as docs/mfa.md shows:
     * the {@code amr} claim must name {@code otp} (an authenticator code) or {@code mfa} (a
     * recovery code).
     */
    @GET
    @Path("needs-second-factor")
    @RolesAllowed("user")
    public Response needsSecondFactor() {
        Set<String> methods = new TreeSet<>();
        Object amr = jwt.getClaim("amr");
        if (amr instanceof JsonArray array) {
            array.getValuesAs(JsonString.class).forEach(method -> methods.add(method.getString()));
        } else if (amr instanceof Collection<?> values) {
            values.forEach(value -> methods.add(value instanceof JsonString text ? text.getString() : String.valueOf(value)));
        }
        if (!methods.contains("otp") && !methods.contains("mfa")) {
            return Response.status(Response.Status.FORBIDDEN).entity("second factor required").build();
        }
        return Response.ok(String.join(" ", methods)).build();
    }

    @GET
    @Path("admin-only")
    @RolesAllowed("admin")
    public String adminOnly() {
        return "admin";
    }
}
