package dev.latchkey.interop.consumer;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

@Path("/")
@RequestScoped
public class WhoAmIResource {

    /**
     * Looked up once: {@code Json.createObjectBuilder()} looks the provider up through the service
     * loader on every call, which would make the benchmark's peer pay for JSON-P, not for its
     * token check (Latchkey's own resources build JSON through one cached provider too).
     */
    private static final JsonProvider JSON = JsonProvider.provider();

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
     * The same JSON as Latchkey's {@code GET /api/me/token}, from the token alone, checked by stock
     * MicroProfile JWT (no revocation list): the peer issue 20 measures Latchkey's token-only
     * endpoint against ({@code bench/load/run.sh}), and {@code ResourceServerIT} shows the two
     * answers are the same.
     */
    @GET
    @Path("token")
    @RolesAllowed("user")
    @Produces(MediaType.APPLICATION_JSON)
    public String token() {
        return JSON.createObjectBuilder()
                .add("sub", jwt.getSubject())
                .add("sid", text(jwt.getClaim("sid")))
                .add("groups", JSON.createArrayBuilder(new TreeSet<>(jwt.getGroups())))
                .add("amr", JSON.createArrayBuilder(texts(jwt.getClaim("amr"))))
                .add("iat", jwt.getIssuedAtTime())
                .add("exp", jwt.getExpirationTime())
                .build().toString();
    }

    private static String text(Object claim) {
        return claim instanceof JsonString string ? string.getString() : String.valueOf(claim);
    }

    /** A claim that is an array, in its order: Payara gives a JsonArray, SmallRye (WildFly) may give a collection. */
    private static List<String> texts(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof JsonArray array) {
            array.getValuesAs(JsonString.class).forEach(value -> values.add(value.getString()));
        } else if (claim instanceof Collection<?> collection) {
            collection.forEach(value -> values.add(text(value)));
        }
        return values;
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
        Set<String> methods = new TreeSet<>(texts(jwt.getClaim("amr")));
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
