package dev.latchkey.session;

import dev.latchkey.token.IssuedAccessToken;
import jakarta.json.Json;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The OAuth 2.0-style token response body shared by login and refresh. */
final class TokenResponses {

    private TokenResponses() {
    }

    /**
     * RFC 6749 5.1: a response carrying a token must not be stored by any cache.
     */
    static Response.ResponseBuilder ok(IssuedAccessToken token) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        noStore.setNoTransform(false);
        String body = Json.createObjectBuilder()
                .add("access_token", token.value())
                .add("token_type", "Bearer")
                .add("expires_in", token.expiresInSeconds())
                .build().toString();
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(noStore)
                .header("Pragma", "no-cache");
    }
}
