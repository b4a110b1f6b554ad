package dev.latchkey.introspection;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * The resource servers allowed to introspect tokens ({@code latchkey.introspection.clients}):
 * comma-separated {@code client-id:hash} entries, where the hash is what the key tool's
 * {@code client-secret} prints. A malformed entry stops the deployment.
 */
@ApplicationScoped
public class IntrospectionSettings extends Settings {

    public static final String CLIENTS = "latchkey.introspection.clients";

    private Map<String, byte[]> clientSecretHashes;

    public static IntrospectionSettings from(SettingsSource source) {
        return load(new IntrospectionSettings(), source);
    }

    public static IntrospectionSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        clientSecretHashes = ResourceServerClients.parse(source.text(CLIENTS, ""));
    }

    Map<String, byte[]> clientSecretHashes() {
        return clientSecretHashes;
    }
}
