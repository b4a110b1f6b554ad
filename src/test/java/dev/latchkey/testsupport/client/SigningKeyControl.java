package dev.latchkey.testsupport.client;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The client of a deployed node's {@code /test-support/signing-keys} (SigningKeyControlResource):
 * the key tool's operations run inside that node, against its own database.
 */
public final class SigningKeyControl {

    /** The algorithm of the key a fresh database starts with (latchkey.token.algorithm's default). */
    public static final String DEFAULT_ALGORITHM = "RS256";

    private final Http http;

    public SigningKeyControl(Http http) {
        this.http = http;
    }

    /** The kid of the key the node signs with now. */
    public String active() {
        HttpResponse<String> active = http.send(http.request("/test-support/signing-keys/active").GET());
        assertEquals(200, active.statusCode(), active.body());
        return active.body();
    }

    /** Generates a key as next. @return its kid */
    public String generate(String algorithm) {
        HttpResponse<String> generated = post("/test-support/signing-keys/generate?alg=" + algorithm);
        assertEquals(200, generated.statusCode(), generated.body());
        return generated.body();
    }

    /** Promotes a next key, under the 15-minute rule: 204, or 409 with the refusal's name. */
    public HttpResponse<String> promote(String kid) {
        return post("/test-support/signing-keys/" + kid + "/promote");
    }

    /** Puts only the kid's revocation-list entry, as another node's key revocation would arrive. */
    public void putOnRevocationList(String kid) {
        assertEquals(204, post("/test-support/signing-keys/" + kid + "/revocation-list-entry").statusCode());
    }

    public boolean isOnRevocationList(String kid) {
        return Boolean.parseBoolean(http.send(http.request("/test-support/signing-keys/" + kid + "/revocation-list-entry")
                .GET()).body());
    }

    /**
     * Back to the key set of a fresh database: one {@value #DEFAULT_ALGORITHM} key, active, and
     * nothing else trusted. A no-op when it already is so. @return the active kid
     */
    public String resetToDefault() {
        HttpResponse<String> reset = post("/test-support/signing-keys/reset?alg=" + DEFAULT_ALGORITHM);
        assertEquals(200, reset.statusCode(), reset.body());
        return reset.body();
    }

    private HttpResponse<String> post(String path) {
        return http.send(http.request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }
}
