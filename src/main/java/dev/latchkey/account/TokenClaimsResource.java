package dev.latchkey.account;

import dev.latchkey.json.JsonValues;
import dev.latchkey.security.AuthenticatedCaller;
import dev.latchkey.token.VerifiedAccessToken;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The second protected sample resource: what the caller's access token says, answered from the
 * verified token alone, with no database read. It is what an application that trusts Latchkey's
 * tokens pays per request: the signature, the claims and the revocation list, checked by the one
 * verifier, and nothing else (issue 20 measures it against the {@code /ping} floor). For fresh
 * account data, {@code /api/me} reads the database.
 */
@Path("/api/me/token")
@RequestScoped
public class TokenClaimsResource {

    @Inject
    AuthenticatedCaller caller;

    @GET
    @RolesAllowed("user")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject claims() {
        VerifiedAccessToken token = caller.token();
        return JsonValues.createObjectBuilder()
                .add("sub", token.subject())
                .add("sid", token.familyId())
                .add("groups", JsonValues.createArrayBuilder(token.groups().stream().sorted().toList()))
                .add("amr", JsonValues.createArrayBuilder(token.amr()))
                .add("iat", token.issuedAt().getEpochSecond())
                .add("exp", token.expiresAt().getEpochSecond())
                .build();
    }
}
