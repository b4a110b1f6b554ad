package dev.latchkey.keys;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

/** Publishes the public verification keys for resource servers (RFC 7517). */
@Path("/.well-known/jwks.json")
@RequestScoped
public class JwksResource {

    static final String MEDIA_TYPE = "application/jwk-set+json";

    /** Short enough that a newly published key is picked up well before it starts signing. */
    private static final int MAX_AGE_SECONDS = 300;

    @Inject
    SigningKeys keys;

    @GET
    @Produces({MEDIA_TYPE, "application/json"})
    public Response jwks() {
        CacheControl cacheControl = new CacheControl();
        cacheControl.setMaxAge(MAX_AGE_SECONDS);
        return Response.ok(keys.publicJwkSet().toString(true))
                .cacheControl(cacheControl)
                .build();
    }
}
