package dev.latchkey.discovery;

import dev.latchkey.dpop.DpopProofs;
import dev.latchkey.http.HttpSettings;
import dev.latchkey.json.JsonValues;
import dev.latchkey.keys.KeySettings;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.token.TokenSettings;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.json.JsonObject;

/**
 * Discovery metadata in the shape of OpenID Connect Discovery / RFC 8414, holding only what is
 * true of Latchkey. Latchkey is not an OpenID Provider: it has no authorization or token
 * endpoint and issues no ID tokens, so it claims none (and no {@code response_types_supported}
 * or {@code id_token_signing_alg_values_supported}). What it has: the issuer, the JWKS, the
 * signing algorithms of the keys a consumer may meet, and the introspection endpoint.
 *
 * <p>{@code access_token_signing_alg_values_supported} is not in the IANA registry, but is the
 * name other servers use for exactly this; clients that do not know it ignore it.
 */
@Path("/.well-known/openid-configuration")
@RequestScoped
public class OpenIdConfigurationResource {

    static final String JWKS_PATH = "/.well-known/jwks.json";
    static final String INTROSPECTION_PATH = "/auth/introspect";

    @Inject
    TokenSettings tokenSettings;

    @Inject
    SigningKeys keys;

    @Inject
    KeySettings keySettings;

    @Inject
    HttpSettings http;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response configuration() {
        String base = http.publicUrl();
        JsonObject body = JsonValues.createObjectBuilder()
                .add("issuer", tokenSettings.issuer())
                .add("jwks_uri", base + JWKS_PATH)
                .add("access_token_signing_alg_values_supported", JsonValues.createArrayBuilder(keys.trustedAlgorithms()))
                .add("introspection_endpoint", base + INTROSPECTION_PATH)
                .add("introspection_endpoint_auth_methods_supported",
                        JsonValues.createArrayBuilder().add("client_secret_basic").add("client_secret_post"))
                .add("claims_supported", JsonValues.createArrayBuilder()
                        .add("iss").add("sub").add("aud").add("exp").add("iat").add("nbf").add("jti")
                        .add("sid").add("upn").add("groups"))
                // RFC 9449 section 5.1: proofs with these algorithms are accepted at login and refresh.
                .add("dpop_signing_alg_values_supported", JsonValues.createArrayBuilder(DpopProofs.algorithmNames()))
                .build();
        // The algorithms change with the key set, so the document is cached no longer than the JWKS.
        CacheControl cacheControl = new CacheControl();
        cacheControl.setMaxAge(keySettings.jwksMaxAgeSeconds());
        cacheControl.setNoTransform(false);
        return Response.ok(body).cacheControl(cacheControl).build();
    }
}
