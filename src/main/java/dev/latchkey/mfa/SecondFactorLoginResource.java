package dev.latchkey.mfa;

import dev.latchkey.dpop.DpopProofs;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.input.StrictJson;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.session.SessionResponses;
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

/** POST /auth/login/mfa: the second step of a login, {@code {"mfa_token", "code"}} or {@code {"mfa_token", "recovery_code"}}. */
@Path("/auth/login/mfa")
@RequestScoped
public class SecondFactorLoginResource {

    @Inject
    SecondFactorLogin login;

    @Inject
    SessionResponses responses;

    @Inject
    DpopProofs dpop;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response complete(InputStream body) {
        Map<String, String> fields = StrictJson.readObject(body, Set.of("mfa_token"), Set.of("code", "recovery_code"));
        if (fields.containsKey("code") == fields.containsKey("recovery_code")) {
            throw new ProblemException(Problem.of(400, "invalid-request", "Bad Request",
                    "Give exactly one of code and recovery_code."));
        }
        // The session starts here, so this is the request whose proof binds it.
        Optional<String> boundKey = dpop.keyOfSessionStart(request);
        SecondFactorLogin.Completed completed = login.complete(fields.get("mfa_token"), fields.get("code"),
                fields.get("recovery_code"), ClientInfo.of(request), boundKey);
        return responses.issued(completed.tokens(), completed.recoveryCodesRemaining());
    }
}
