package dev.latchkey.account;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.input.StrictJson;
import dev.latchkey.json.JsonValues;
import dev.latchkey.ratelimit.RateLimiter;
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

/** POST /auth/email/verify {"token"} and POST /auth/email/verify/resend {"email"}. */
@Path("/auth/email/verify")
@RequestScoped
public class EmailVerificationResource {

    static final JsonObject RESEND_ACCEPTED_BODY = JsonValues.createObjectBuilder()
            .add("status", "accepted")
            .add("detail", "If the address is waiting for verification, a new link is on its way.")
            .build();

    @Inject
    EmailVerificationService verification;

    @Inject
    RateLimiter rateLimiter;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response verify(InputStream body) {
        ClientInfo client = ClientInfo.of(request);
        rateLimiter.checkRegistration(client.ip());
        Map<String, String> fields = StrictJson.readObject(body, Set.of("token"), Set.of());
        verification.verify(fields.get("token"), client);
        return Response.noContent().build();
    }

    @POST
    @Path("resend")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response resend(InputStream body) {
        Map<String, String> fields = StrictJson.readObject(body, Set.of("email"), Set.of());
        verification.requestResend(fields.get("email"), ClientInfo.of(request));
        return Response.accepted(RESEND_ACCEPTED_BODY).build();
    }
}
