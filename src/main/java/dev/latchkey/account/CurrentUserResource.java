package dev.latchkey.account;

import dev.latchkey.json.JsonValues;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.role.Roles;
import dev.latchkey.security.AuthenticatedCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The protected sample resource: who the bearer of the access token is. */
@Path("/api/me")
@RequestScoped
public class CurrentUserResource {

    @Inject
    AuthenticatedCaller caller;

    @Inject
    UserAccountRepository accounts;

    @Inject
    Roles roles;

    @GET
    @RolesAllowed("user")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject me() {
        // The e-mail comes from the database, not the token: tokens carry no personal data.
        UserAccount account = accounts.findById(caller.token().subject())
                .filter(UserAccount::isActive)
                .orElseThrow(() -> new ProblemException(
                        Problem.of(404, "not-found", "Not Found", "The account no longer exists.")));
        return JsonValues.createObjectBuilder()
                .add("sub", account.id())
                .add("email", account.email())
                .add("email_verified", account.isEmailVerified())
                .add("mfa_enabled", account.isMfaEnabled())
                .add("amr", JsonValues.createArrayBuilder(caller.token().amr()))
                .add("roles", JsonValues.createArrayBuilder(roles.rolesOf(account.id())))
                .build();
    }
}
