package dev.latchkey.account;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The hosted account pages, static HTML with scripts of their own origin and no inline script or
 * style: sign-in, registration, the request for a reset link and the account page, and the pages mailed
 * links open when the operator has not configured pages of their own
 * ({@code latchkey.account.verify-email-url}, {@code latchkey.account.reset-password-url}).
 * {@code latchkey.pages.enabled=false} turns them all off for an API-only deployment.
 */
@Path("/account")
@ApplicationScoped
public class AccountPages {

    private static final String HTML = "text/html; charset=utf-8";
    private static final String SCRIPT = "text/javascript; charset=utf-8";
    private static final String STYLE = "text/css; charset=utf-8";

    /**
     * Wider than the API's policy (which allows nothing) by exactly what a page needs: its own
     * scripts, styles and images (and data: images, for the QR code of an authenticator), and
     * calls to its own origin. No inline script or style, no other origin, no framing.
     */
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** Every file served, by the name in its URL: nothing else under /account is a page. */
    private static final Map<String, String> FILES = Map.ofEntries(
            Map.entry("sign-in", HTML), Map.entry("sign-in.js", SCRIPT),
            Map.entry("home", HTML), Map.entry("home.js", SCRIPT),
            Map.entry("register", HTML), Map.entry("register.js", SCRIPT),
            Map.entry("forgot-password", HTML), Map.entry("forgot-password.js", SCRIPT),
            Map.entry("verify-email", HTML), Map.entry("verify-email.js", SCRIPT),
            Map.entry("reset-password", HTML), Map.entry("reset-password.js", SCRIPT),
            Map.entry("pages.css", STYLE));

    @Inject
    AccountSettings settings;

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String name) {
        String mediaType = FILES.get(name);
        if (mediaType == null || !settings.pagesEnabled()) {
            throw new ProblemException(Problem.of(404, "not-found", "Not Found", "There is no such page."));
        }
        Response.ResponseBuilder response = Response.ok(read(mediaType.equals(HTML) ? name + ".html" : name), mediaType);
        if (mediaType.equals(HTML)) {
            response.header("Content-Security-Policy", PAGE_POLICY);
        }
        return response.build();
    }

    private static byte[] read(String resource) {
        try (InputStream in = AccountPages.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
