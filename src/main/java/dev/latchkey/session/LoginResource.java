package dev.latchkey.session;

import dev.latchkey.dpop.DpopProofs;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.input.StrictJson;
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
import java.util.Optional;
import java.util.Set;

@Path("/auth/login")
@RequestScoped
public class LoginResource {

    @Inject
    LoginService login;

    @Inject
    SessionResponses responses;

    @Inject
    DpopProofs dpop;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response login(InputStream body) {
        Map<String, String> fields = StrictJson.readObject(body, Set.of("email", "password"), Set.of(), Set.of("remember_me"));
        boolean rememberMe = Boolean.parseBoolean(fields.get("remember_me"));
        // Before the password is checked: a refused proof costs no hashing.
        Optional<String> boundKey = dpop.keyOfSessionStart(request);
        LoginResult result = login.login(fields.get("email"), fields.get("password"), rememberMe, ClientInfo.of(request), boundKey);
        if (result instanceof LoginChallenge challenge) {
            return responses.challenge(challenge);
        }
        return responses.issued((SessionTokens) result);
    }
}
