package dev.latchkey.testsupport.client;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that behaves like a browser-side app: it keeps the cookies the server sets (from the
 * real Set-Cookie headers), sends them back, and copies the CSRF cookie into the X-CSRF-Token
 * header. Secure cookies are kept over plain HTTP here because the test server has no TLS.
 */
public final class BrowserSession {

    public static final String REFRESH = "__Secure-latchkey-refresh";
    public static final String CSRF = "__Host-latchkey-csrf";

    private final Http http;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String accessToken;

    public BrowserSession(Http http) {
        this.http = http;
    }

    public static BrowserSession loggedIn(Http http, String email, String password) {
        BrowserSession session = new BrowserSession(http);
        HttpResponse<String> login = session.absorb(http.login(email, password));
        assertEquals(200, login.statusCode(), login.body());
        return session;
    }

    /** Keeps the access token of a token response and every cookie it sets (Max-Age=0 deletes). */
    public HttpResponse<String> absorb(HttpResponse<String> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            String[] nameValue = header.split(";", 2)[0].split("=", 2);
            if (header.contains("Max-Age=0")) {
                cookies.remove(nameValue[0]);
            } else {
                cookies.put(nameValue[0], nameValue[1]);
            }
        }
        if (response.statusCode() == 200 && response.body().contains("access_token")) {
            accessToken = Http.json(response).getString("access_token");
        }
        return response;
    }

    public String accessToken() {
        return accessToken;
    }

    public String refreshToken() {
        return cookies.get(REFRESH);
    }

    public String csrfToken() {
        return cookies.get(CSRF);
    }

    public void setCookie(String name, String value) {
        cookies.put(name, value);
    }

    public String cookieHeader() {
        StringBuilder header = new StringBuilder();
        cookies.forEach((name, value) -> header.append(header.length() == 0 ? "" : "; ").append(name).append('=').append(value));
        return header.toString();
    }

    /** POST with the session's cookies and its CSRF header, as a browser app would send it. */
    public HttpRequest.Builder post(String path) {
        HttpRequest.Builder request = http.request(path).POST(HttpRequest.BodyPublishers.noBody());
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookieHeader());
        }
        Optional.ofNullable(csrfToken()).ifPresent(token -> request.header("X-CSRF-Token", token));
        return request;
    }

    public HttpResponse<String> refresh() {
        return absorb(http.send(post("/auth/refresh")));
    }

    /** A refresh carrying a specific refresh token (say, one that was already rotated), with this session's CSRF proof. */
    public HttpResponse<String> refreshWith(String refreshToken) {
        return http.send(http.request("/auth/refresh").POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", REFRESH + "=" + refreshToken + "; " + CSRF + "=" + csrfToken())
                .header("X-CSRF-Token", csrfToken()));
    }

    public HttpResponse<String> me() {
        return http.getWithBearer("/api/me", accessToken);
    }

    public static List<String> setCookies(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie");
    }
}
