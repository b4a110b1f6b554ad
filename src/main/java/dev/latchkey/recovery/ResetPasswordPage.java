package dev.latchkey.recovery;

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
 * The page a reset link opens when the operator has not configured one of their own
 * ({@code latchkey.account.reset-password-url}): it reads the token from the fragment and posts
 * it with the new password to {@code /auth/password/reset}. Minimal on purpose; the browser
 * client's hosted pages replace it.
 */
@Path("/account")
@RequestScoped
public class ResetPasswordPage {

    /**
     * Wider than the API's policy (which allows nothing) by exactly what this page needs: its own
     * script and calls to its own origin. No inline script, no other origin, no framing.
     */
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; connect-src 'self';"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Context
    HttpServletResponse response;

    @GET
    @Path("reset-password")
    @Produces("text/html; charset=utf-8")
    public String page() {
        response.setHeader("Content-Security-Policy", PAGE_POLICY);
        return resource("reset-password.html");
    }

    @GET
    @Path("reset-password.js")
    @Produces("text/javascript; charset=utf-8")
    public String script() {
        return resource("reset-password.js");
    }

    private static String resource(String name) {
        try (InputStream in = ResetPasswordPage.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
