package dev.latchkey.recovery;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.input.StrictJson;
import dev.latchkey.ratelimit.RateLimiter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Map;
import java.util.Set;

/** POST /auth/password/reset {"token", "new_password"}: 204, and the user signs in with the new password. */
@Path("/auth/password/reset")
@RequestScoped
public class PasswordResetResource {

    @Inject
    PasswordRecoveryService recovery;

    @Inject
    RateLimiter rateLimiter;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response reset(InputStream body) {
        ClientInfo client = ClientInfo.of(request);
        rateLimiter.checkPasswordChange(client.ip());
        Map<String, String> fields = StrictJson.readObject(body, Set.of("token", "new_password"), Set.of());
        recovery.reset(fields.get("token"), fields.get("new_password"), client);
        return Response.noContent().build();
    }
}
