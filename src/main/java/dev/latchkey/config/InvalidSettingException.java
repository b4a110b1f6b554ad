package dev.latchkey.config;

/**
 * A configuration value that Latchkey refuses to run with. Thrown while the application starts,
 * so the deployment fails with this message, which always names the key and what it allows.
 */
public class InvalidSettingException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public InvalidSettingException(String key, String problem) {
        super(key + " " + problem);
    }
}
