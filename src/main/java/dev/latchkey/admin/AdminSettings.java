package dev.latchkey.admin;

import dev.latchkey.account.EmailAddress;
import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Administration ({@code latchkey.admin.*}): who becomes the first administrator, and whether administrators need a second factor. */
@ApplicationScoped
public class AdminSettings extends Settings {

    static final String BOOTSTRAP_EMAIL = "latchkey.admin.bootstrap-email";
    static final String REQUIRE_MFA = "latchkey.admin.require-mfa";

    private Optional<String> bootstrapEmail;
    private boolean requireMfa;

    public static AdminSettings from(SettingsSource source) {
        return load(new AdminSettings(), source);
    }

    public static AdminSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        bootstrapEmail = source.optional(BOOTSTRAP_EMAIL).map(configured -> EmailAddress.normalize(configured)
                .orElseThrow(() -> new InvalidSettingException(BOOTSTRAP_EMAIL, "must be a valid e-mail address")));
        requireMfa = source.flag(REQUIRE_MFA, true);
    }

    /** Whether administration needs a sign-in with an authenticator code (AdministratorSecondFactor). */
    boolean requireMfa() {
        return requireMfa;
    }

    /** The normalized address whose account becomes an administrator at its next successful login. */
    Optional<String> bootstrapEmail() {
        return bootstrapEmail;
    }
}
