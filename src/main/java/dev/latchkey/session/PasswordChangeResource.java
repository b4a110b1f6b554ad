package dev.latchkey.session;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.input.StrictJson;
import dev.latchkey.ratelimit.RateLimiter;
import dev.latchkey.security.AuthenticatedCaller;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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

/** POST /auth/password/change (protected in web.xml): a fresh token pair for the caller, every other session ended. */
@Path("/auth/password/change")
@RequestScoped
public class PasswordChangeResource {

    @Inject
    PasswordChangeService passwords;

    @Inject
    SessionResponses responses;

    @Inject
    AuthenticatedCaller caller;

    @Inject
    RateLimiter rateLimiter;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response change(InputStream body) {
        rateLimiter.checkPasswordChange(ClientInfo.of(request).ip());
        Map<String, String> fields = StrictJson.readObject(body, Set.of("current_password", "new_password"), Set.of());
        return responses.issued(passwords.change(caller, fields.get("current_password"), fields.get("new_password"),
                ClientInfo.of(request)));
    }
}
