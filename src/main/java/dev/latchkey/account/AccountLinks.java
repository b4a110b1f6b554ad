package dev.latchkey.account;

import dev.latchkey.http.HttpSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.Optional;

/** The links account mail carries: the operator's pages, or the ones Latchkey serves itself ({@link AccountPages}). */
@ApplicationScoped
public class AccountLinks {

    static final String VERIFY_EMAIL_PAGE = "/account/verify-email";
    static final String RESET_PASSWORD_PAGE = "/account/reset-password";

    @Inject
    AccountSettings settings;

    @Inject
    HttpSettings http;

    public String verifyEmail(String token) {
        return link(settings.verifyEmailUrl(), VERIFY_EMAIL_PAGE, token);
    }

    public String resetPassword(String token) {
        return link(settings.resetPasswordUrl(), RESET_PASSWORD_PAGE, token);
    }

    /**
     * Built only from configuration, never from the request's Host, X-Forwarded-Host or Forwarded
     * header (which a client chooses), and with the token in the fragment: browsers send no
     * fragment to a server, a proxy or a Referer, so the token reaches no log on its way.
     */
    private String link(Optional<URI> configured, String ownPage, String token) {
        return configured.map(URI::toString).orElse(http.publicUrl() + ownPage) + "#token=" + token;
    }
}
