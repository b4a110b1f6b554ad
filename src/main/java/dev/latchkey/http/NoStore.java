package dev.latchkey.http;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

/**
 * The one way a response that carries a secret (a token, a shown-once secret, an introspection
 * answer) tells every cache to keep nothing: {@code Cache-Control: no-store} and, for HTTP/1.0
 * caches, {@code Pragma: no-cache} (RFC 6749 5.1).
 */
public final class NoStore {

    private NoStore() {
    }

    public static Response.ResponseBuilder applyTo(Response.ResponseBuilder response) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        noStore.setNoTransform(false);
        return response.cacheControl(noStore).header("Pragma", "no-cache");
    }
}
