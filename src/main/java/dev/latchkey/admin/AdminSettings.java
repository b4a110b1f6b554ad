package dev.latchkey.admin;

import dev.latchkey.account.EmailAddress;
import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.SettingsSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.util.Optional;

/** Administration ({@code latchkey.admin.*}): who becomes the first administrator. */
@ApplicationScoped
public class AdminSettings {

    static final String BOOTSTRAP_EMAIL = "latchkey.admin.bootstrap-email";

    @Inject
    Config config;

    private Optional<String> bootstrapEmail;

    @PostConstruct
    void load() {
        load(SettingsSource.of(config));
    }

    public static AdminSettings from(SettingsSource source) {
        AdminSettings settings = new AdminSettings();
        settings.load(source);
        return settings;
    }

    public static AdminSettings defaults() {
        return from(SettingsSource.defaults());
    }

    private void load(SettingsSource source) {
        bootstrapEmail = source.optional(BOOTSTRAP_EMAIL).map(configured -> EmailAddress.normalize(configured)
                .orElseThrow(() -> new InvalidSettingException(BOOTSTRAP_EMAIL, "must be a valid e-mail address")));
    }

    /** The normalized address whose account becomes an administrator at its next successful login. */
    Optional<String> bootstrapEmail() {
        return bootstrapEmail;
    }
}
