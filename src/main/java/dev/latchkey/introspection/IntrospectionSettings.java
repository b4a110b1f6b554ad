package dev.latchkey.introspection;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.ClientCredentials;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The resource servers allowed to introspect tokens ({@code latchkey.introspection.clients}):
 * comma-separated {@code client-id:hash} entries, where the hash is what the key tool's
 * {@code client-secret} prints. A malformed entry stops the deployment.
 */
@ApplicationScoped
public class IntrospectionSettings extends Settings {

    public static final String CLIENTS = "latchkey.introspection.clients";

    private ClientCredentials clientCredentials;

    public static IntrospectionSettings from(SettingsSource source) {
        return load(new IntrospectionSettings(), source);
    }

    public static IntrospectionSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        clientCredentials = ClientCredentials.parse(CLIENTS, source.text(CLIENTS, ""));
    }

    ClientCredentials clientCredentials() {
        return clientCredentials;
    }
}
