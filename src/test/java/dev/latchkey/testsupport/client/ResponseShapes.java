package dev.latchkey.testsupport.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session flow's answers reduced to what must be byte for byte the same on every server, and
 * compared with one file, src/test/resources/response-shapes/session-flow.txt: the same file on
 * Payara Micro, Payara Server and WildFly, so that the servers agree with each other through it.
 *
 * <p>A shape is the status and every header, its name lower-cased and its values exactly as sent
 * (a cookie's attributes, the hardening headers, the content type), and the body, a problem's
 * whole, but for what differs between two runs by design: a cookie's value and the values in a
 * JSON body that is not a problem (tokens, ids, times).
 * The headers the HTTP layer sets for the connection are left out ({@link #TRANSPORT}): they say
 * nothing about Latchkey, and each server frames a body in its own way.
 */
public final class ResponseShapes {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String GOLDEN = "/response-shapes/session-flow.txt";
    private static final Set<String> TRANSPORT = Set.of("date", "content-length", "transfer-encoding", "connection", "keep-alive");
    private static final Pattern COOKIE_VALUE = Pattern.compile("^([^=]+)=[^;]+");
    private static final Pattern JSON_STRING_VALUE = Pattern.compile("(\"[a-z_]+\":)\"[^\"]*\"");
    private static final Pattern JSON_NUMBER_VALUE = Pattern.compile("(\"[a-z_]+\":)-?\\d+");

    private ResponseShapes() {
    }

    /**
     * Registers, signs in, reads the account, refreshes, signs out, reads the key set, and meets
     * three refusals; asserts the shapes of those answers are the file's, line for line.
     */
    public static void assertSessionFlowHasTheShapesOnFile(Http http, ServerUnderTest server) {
        String email = Http.uniqueEmail();
        List<String> shapes = new ArrayList<>();
        shapes.add(shape("register", http.register(email, PASSWORD)));
        BrowserSession session = new BrowserSession(http);
        shapes.add(shape("login", session.absorb(http.login(email, PASSWORD))));
        shapes.add(lessTheServersOwn(server, shape("me", session.me())));
        shapes.add(shape("refresh", session.refresh()));
        String loggedOutRefreshToken = session.refreshToken();
        String csrfToken = session.csrfToken();
        shapes.add(shape("logout", session.absorb(http.send(session.post("/auth/logout")))));
        session.setCookie(BrowserSession.CSRF, csrfToken);
        shapes.add(shape("refresh after logout", session.refreshWith(loggedOutRefreshToken)));
        shapes.add(lessTheServersOwn(server, shape("me without a token", http.get("/api/me"))));
        shapes.add(shape("unknown path", http.get("/no-such-page")));
        shapes.add(shape("malformed json", http.postJson("/auth/login", "{\"email\":")));
        // The key set's body is the keys themselves: only its headers are compared.
        shapes.add(shape("jwks", http.get("/.well-known/jwks.json")).replaceFirst("(?s)\nbody .*", ""));
        String actual = String.join("\n", shapes) + "\n";
        Path written = Path.of("target", "response-shapes", "session-flow-" + server + ".txt");
        try {
            Files.createDirectories(written.getParent());
            Files.writeString(written, actual);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(ClasspathText.read(GOLDEN), actual, "the answers on " + server + " (" + written + ") differ from " + GOLDEN
                + ", which is the same for every server");
    }

    /**
     * The shape of an answer on a path web.xml constrains, without what WildFly adds there: its
     * servlet container's {@code disable-caching-for-secured-pages} (on by default, for every
     * application on the server, so not Latchkey's to turn off) adds {@code Expires: 0} and
     * {@code Pragma: no-cache} to every such answer, beside Latchkey's own
     * {@code Cache-Control: no-store}. They are asserted, then left out, so that what Latchkey
     * writes is what the file compares.
     */
    private static String lessTheServersOwn(ServerUnderTest server, String shape) {
        if (server != ServerUnderTest.WILDFLY) {
            return shape;
        }
        for (String added : List.of("\nexpires: 0\n", "\npragma: no-cache\n")) {
            assertTrue(shape.contains(added), "WildFly's secured-page header" + added + "is missing:\n" + shape);
            shape = shape.replace(added, "\n");
        }
        return shape;
    }

    private static String shape(String step, HttpResponse<String> response) {
        StringBuilder shape = new StringBuilder("## ").append(step).append('\n').append("status ").append(response.statusCode()).append('\n');
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (TRANSPORT.contains(name) || name.startsWith(":")) {
                continue;
            }
            for (String value : header.getValue()) {
                String shown = name.equals("set-cookie") ? COOKIE_VALUE.matcher(value).replaceFirst("$1=<value>") : value;
                shape.append(name).append(": ").append(shown).append('\n');
            }
        }
        String body = response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                ? response.body()
                : JSON_NUMBER_VALUE.matcher(JSON_STRING_VALUE.matcher(response.body()).replaceAll("$1\"<value>\""))
                .replaceAll("$1<number>");
        return shape.append("body ").append(body.isEmpty() ? "(none)" : body).toString();
    }
}
