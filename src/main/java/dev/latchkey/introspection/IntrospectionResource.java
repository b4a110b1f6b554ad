package dev.latchkey.introspection;

import dev.latchkey.http.NoStore;
import dev.latchkey.input.BasicCredentials;
import dev.latchkey.input.StrictForm;
import dev.latchkey.json.JsonValues;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.role.Roles;
import dev.latchkey.security.TrustedAccessTokens;
import dev.latchkey.token.TokenRejectedException;
import dev.latchkey.token.TokenSettings;
import dev.latchkey.token.VerifiedAccessToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OAuth 2.0 Token Introspection (RFC 7662) for resource servers that must see a revocation the
 * moment it happens: the answer comes from the same check as Latchkey's own protected
 * endpoints, revocation list included, so a token logged out, or of a disabled user, or signed
 * by a revoked key, is {@code "active": false} at once. Local JWKS verification is cheaper but
 * learns of a revocation only when the token expires.
 *
 * <p>Only registered resource servers may ask (client_secret_basic or client_secret_post, never
 * both): otherwise this endpoint would tell anyone holding a stolen token whether it still works.
 * An unknown client and a wrong secret get one identical 401.
 */
@Path("/auth/introspect")
@RequestScoped
public class IntrospectionResource {

    private static final String TOKEN = "token";
    private static final String CLIENT_ID = "client_id";
    private static final String CLIENT_SECRET = "client_secret";
    private static final Set<String> PARAMETERS = Set.of(TOKEN, "token_type_hint", CLIENT_ID, CLIENT_SECRET);

    @Inject
    ResourceServerClients clients;

    @Inject
    TrustedAccessTokens trustedTokens;

    @Inject
    TokenSettings tokenSettings;

    @Inject
    Roles roles;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response introspect(InputStream body) {
        Map<String, String> form = StrictForm.read(body, PARAMETERS);
        authenticateClient(form);
        String token = form.get(TOKEN);
        if (token == null || token.isEmpty()) {
            throw ProblemException.badRequest("The token parameter is required.");
        }
        JsonObject answer;
        try {
            answer = active(trustedTokens.check(token));
        } catch (TokenRejectedException expiredInvalidOrRevoked) {
            // RFC 7662 section 2.2: an inactive token gets "active": false and nothing else.
            answer = JsonValues.createObjectBuilder().add("active", false).build();
        }
        return NoStore.applyTo(Response.ok(answer)).build();
    }

    private JsonObject active(VerifiedAccessToken token) {
        JsonObjectBuilder answer = JsonValues.createObjectBuilder()
                .add("active", true)
                // RFC 9449 section 6.2: a bound token is a DPoP token, and cnf names its key, so that
                // the resource server can demand the proof.
                .add("token_type", token.boundKey().isPresent() ? "DPoP" : "Bearer")
                .add("iss", tokenSettings.issuer())
                .add("aud", tokenSettings.audience())
                .add("sub", token.subject())
                .add("exp", token.expiresAt().getEpochSecond())
                .add("iat", token.issuedAt().getEpochSecond())
                .add("jti", token.jti())
                .add("sid", token.familyId())
                .add("groups", JsonValues.createArrayBuilder(token.groups()))
                // Always the whole list, however long: the token may have left it out
                // (permissions_truncated), and this is where a consumer gets it.
                .add("permissions", JsonValues.createArrayBuilder(roles.permissionsOf(token.groups())));
        token.boundKey().ifPresent(key -> answer.add("cnf", JsonValues.createObjectBuilder().add("jkt", key)));
        return answer.build();
    }

    /** RFC 6749 section 2.3.1: HTTP Basic with form-encoded id and secret, or both in the body. */
    private void authenticateClient(Map<String, String> form) {
        List<String> authorization = Collections.list(request.getHeaders("Authorization"));
        boolean inBody = form.containsKey(CLIENT_ID) || form.containsKey(CLIENT_SECRET);
        if (!authorization.isEmpty() && inBody) {
            throw ProblemException.badRequest("Use one client authentication method, not two.");
        }
        Optional<BasicCredentials> credentials = authorization.isEmpty()
                ? Optional.ofNullable(form.get(CLIENT_ID)).flatMap(id -> Optional.ofNullable(form.get(CLIENT_SECRET))
                        .map(secret -> new BasicCredentials(id, secret)))
                : BasicCredentials.from(authorization);
        if (credentials.isEmpty() || !clients.authenticate(credentials.get().clientId(), credentials.get().secret())) {
            throw new ProblemException(Problem.of(401, "invalid-client", "Unauthorized", "Client authentication failed.")
                    .withHeader("WWW-Authenticate", "Basic realm=\"latchkey-introspection\""));
        }
    }
}
