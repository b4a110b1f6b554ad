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

@Path("/auth/register")
@RequestScoped
public class RegistrationResource {

    /** One body for new and existing addresses alike: the response must not reveal which it was. */
    static final JsonObject ACCEPTED_BODY = JsonValues.createObjectBuilder()
            .add("status", "accepted")
            .add("detail", "If the address can be registered, the account is ready to log in.")
            .build();

    @Inject
    RegistrationService registration;

    @Inject
    RateLimiter rateLimiter;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response register(InputStream body) {
        rateLimiter.checkRegistration(ClientInfo.of(request).ip());
        Map<String, String> fields = StrictJson.readObject(body, Set.of("email", "password"), Set.of());
        registration.register(fields.get("email"), fields.get("password"), ClientInfo.of(request));
        return Response.accepted(ACCEPTED_BODY).build();
    }
}
