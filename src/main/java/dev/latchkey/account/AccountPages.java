package dev.latchkey.account;

import jakarta.enterprise.context.RequestScoped;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The pages mailed links open when the operator has not configured pages of their own
 * ({@code latchkey.account.verify-email-url}, {@code latchkey.account.reset-password-url}): each
 * reads the token from the fragment, removes it from the address bar, and posts it to the API when
 * the user confirms. Minimal on purpose; the browser client's hosted pages replace them.
 */
@Path("/account")
@RequestScoped
public class AccountPages {

    private static final String HTML = "text/html; charset=utf-8";
    private static final String SCRIPT = "text/javascript; charset=utf-8";

    /**
     * Wider than the API's policy (which allows nothing) by exactly what a page needs: its own
     * script and calls to its own origin. No inline script, no other origin, no framing.
     */
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; connect-src 'self';"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Context
    HttpServletResponse response;

    @GET
    @Path("verify-email")
    @Produces(HTML)
    public String verifyEmailPage() {
        return page("verify-email.html");
    }

    @GET
    @Path("verify-email.js")
    @Produces(SCRIPT)
    public String verifyEmailScript() {
        return resource("verify-email.js");
    }

    @GET
    @Path("reset-password")
    @Produces(HTML)
    public String resetPasswordPage() {
        return page("reset-password.html");
    }

    @GET
    @Path("reset-password.js")
    @Produces(SCRIPT)
    public String resetPasswordScript() {
        return resource("reset-password.js");
    }

    private String page(String name) {
        response.setHeader("Content-Security-Policy", PAGE_POLICY);
        return resource(name);
    }

    private static String resource(String name) {
        try (InputStream in = AccountPages.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
