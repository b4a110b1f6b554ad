package dev.latchkey.keys;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

/**
 * Publishes the public verification keys for resource servers (RFC 7517): the next, active and
 * still-trusted retired keys. Consumers cache this for its {@code max-age}
 * ({@code latchkey.keys.jwks-max-age-seconds}), which is why a key is published as next for
 * longer than that before it signs anything.
 */
@Path("/.well-known/jwks.json")
@RequestScoped
public class JwksResource {

    static final String MEDIA_TYPE = "application/jwk-set+json";

    @Inject
    SigningKeys keys;

    @Inject
    KeySettings settings;

    @GET
    @Produces({MEDIA_TYPE, "application/json"})
    public Response jwks() {
        CacheControl cacheControl = new CacheControl();
        cacheControl.setMaxAge(settings.jwksMaxAgeSeconds());
        cacheControl.setNoTransform(false);
        return Response.ok(keys.publicJwkSet().toString(true))
                .cacheControl(cacheControl)
                .build();
    }
}
