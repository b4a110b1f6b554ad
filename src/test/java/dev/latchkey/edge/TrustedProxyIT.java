package dev.latchkey.edge;

import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.latchkey.testsupport.client.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The client's address behind a trusted proxy, over real HTTP. The test server trusts the IPv6
 * loopback address {@code ::1} as a proxy that writes X-Forwarded-For (src/test/resources/arquillian.xml);
 * every other test reaches the server at the address Arquillian reports, which is not {@code ::1},
 * so for them nothing changes. Here the test plays the proxy by connecting to {@code [::1]}.
 */
class TrustedProxyIT extends DeployedLatchkeyTest {

    private static final String TRUSTED_PROXY = "::1";

    @Test
    void behindTheProxyTheAddressItAppendedIsTheClientAndNothingTheClientWroteCounts() throws Exception {
        assertFalse(InetAddress.getByName(base.getHost()).getHostAddress().equals(InetAddress.getByName(TRUSTED_PROXY).getHostAddress()),
                "the other tests must not reach the server through the trusted proxy's address");
        Http viaProxy = new Http(URI.create("http://[" + TRUSTED_PROXY + "]:" + base.getPort() + "/").toURL());
        String email = registered();

        // The client wrote a Forwarded header and an X-Forwarded-For line of its own; the proxy
        // passed both through and appended its own line, as HAProxy does.
        HttpResponse<String> login = viaProxy.send(viaProxy.request("/auth/login").header("Content-Type", "application/json")
                .header("Forwarded", "for=198.51.100.66")
                .header("X-Forwarded-For", "198.51.100.77")
                .header("X-Forwarded-For", "203.0.113.9")
                .POST(HttpRequest.BodyPublishers.ofString(Http.credentials(email, PASSWORD))));
        assertEquals(200, login.statusCode(), login.body());

        assertEquals("203.0.113.9", sessionAddress(json(login).getString("access_token")),
                "the address the trusted proxy appended, from its own header line");
    }

    @Test
    void behindTheProxyAnAddressThatIsNotALiteralLeavesTheProxyAsTheClient() throws Exception {
        Http viaProxy = new Http(URI.create("http://[" + TRUSTED_PROXY + "]:" + base.getPort() + "/").toURL());
        String email = registered();
        HttpResponse<String> login = viaProxy.send(viaProxy.request("/auth/login").header("Content-Type", "application/json")
                .header("X-Forwarded-For", "01.2.3.4")
                .POST(HttpRequest.BodyPublishers.ofString(Http.credentials(email, PASSWORD))));
        assertEquals(200, login.statusCode(), login.body());
        assertEquals("0:0:0:0:0:0:0:1", sessionAddress(json(login).getString("access_token")),
                "an ambiguous number is no address: the proxy itself is the client");
    }

    private String sessionAddress(String accessToken) {
        JsonObject session = json(http.getWithBearer("/auth/sessions", accessToken)).getJsonArray("sessions").getJsonObject(0);
        return session.getString("ip");
    }
}
