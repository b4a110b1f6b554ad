package dev.latchkey.recovery;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.input.StrictJson;
import dev.latchkey.json.JsonValues;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Map;
import java.util.Set;

/** POST /auth/password/forgot {"email"}: 202 with one body, whatever the address. */
@Path("/auth/password/forgot")
@RequestScoped
public class ForgotPasswordResource {

    static final JsonObject ACCEPTED_BODY = JsonValues.createObjectBuilder()
            .add("status", "accepted")
            .add("detail", "If an active account has this address, a link to choose a new password is on its way.")
            .build();

    @Inject
    PasswordRecoveryService recovery;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response forgot(InputStream body) {
        Map<String, String> fields = StrictJson.readObject(body, Set.of("email"), Set.of());
        recovery.requestReset(fields.get("email"), ClientInfo.of(request));
        return Response.accepted(ACCEPTED_BODY).build();
    }
}
