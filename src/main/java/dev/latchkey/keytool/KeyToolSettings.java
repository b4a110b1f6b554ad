package dev.latchkey.keytool;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the key tool's {@code import} needs beyond the server's own settings
 * ({@code latchkey.keytool.*}): the password and alias of a PKCS#12 key store. They come from
 * the environment or system properties, or the password from a file, like the KEK: never from
 * the command line, where any user of the machine could read them in the process list and the
 * shell history keeps them. Read only by the key tool; the server never reads these keys.
 */
public final class KeyToolSettings extends Settings {

    static final String IMPORT_PASSWORD = "latchkey.keytool.import-password";
    static final String IMPORT_PASSWORD_FILE = "latchkey.keytool.import-password-file";
    static final String IMPORT_ALIAS = "latchkey.keytool.import-alias";

    private Optional<String> importPassword;
    private Optional<String> importAlias;

    public static KeyToolSettings from(SettingsSource source) {
        return load(new KeyToolSettings(), source);
    }

    public static KeyToolSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        Optional<String> password = source.optional(IMPORT_PASSWORD);
        Optional<String> file = source.optional(IMPORT_PASSWORD_FILE);
        if (password.isPresent() && file.isPresent()) {
            throw new InvalidSettingException(IMPORT_PASSWORD, "must not be set together with " + IMPORT_PASSWORD_FILE);
        }
        importPassword = password.or(() -> file.map(KeyToolSettings::readPasswordFile));
        importAlias = source.optional(IMPORT_ALIAS);
    }

    private static String readPasswordFile(String path) {
        try {
            // One trailing line break (echo, most editors) is not part of the password; anything else is.
            String content = Files.readString(Path.of(path), StandardCharsets.UTF_8);
            return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (IOException e) {
            throw new InvalidSettingException(IMPORT_PASSWORD_FILE, "names a file that cannot be read");
        }
    }

    /** The PKCS#12 password, if one is configured. */
    Optional<String> importPassword() {
        return importPassword;
    }

    /** The PKCS#12 alias of the key to import; without it the key store must hold one key. */
    Optional<String> importAlias() {
        return importAlias;
    }
}
