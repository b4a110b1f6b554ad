package dev.latchkey.mfa;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.regex.Pattern;

/** The second factor ({@code latchkey.mfa.*}). */
@ApplicationScoped
public class MfaSettings extends Settings {

    public static final String ISSUER = "latchkey.mfa.issuer";
    /** Printable, without the colon that separates issuer and account in an otpauth label. */
    private static final Pattern ISSUER_SHAPE = Pattern.compile("[\\p{L}\\p{N} ._()-]{1,64}");

    private String issuer;

    public static MfaSettings from(SettingsSource source) {
        return load(new MfaSettings(), source);
    }

    public static MfaSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        issuer = source.text(ISSUER, "Latchkey");
        if (!ISSUER_SHAPE.matcher(issuer).matches()) {
            throw new InvalidSettingException(ISSUER, "must be 1 to 64 letters, digits, spaces or ._()-");
        }
    }

    /** The name authenticator apps show next to the account. */
    public String issuer() {
        return issuer;
    }
}
