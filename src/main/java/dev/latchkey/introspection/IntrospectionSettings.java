package dev.latchkey.introspection;

import dev.latchkey.config.SettingsSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.util.Map;

/**
 * The resource servers allowed to introspect tokens ({@code latchkey.introspection.clients}):
 * comma-separated {@code client-id:hash} entries, where the hash is what the key tool's
 * {@code client-secret} prints. A malformed entry stops the deployment.
 */
@ApplicationScoped
public class IntrospectionSettings {

    public static final String CLIENTS = "latchkey.introspection.clients";

    @Inject
    Config config;

    private Map<String, byte[]> clientSecretHashes;

    @PostConstruct
    void load() {
        load(SettingsSource.of(config));
    }

    public static IntrospectionSettings from(SettingsSource source) {
        IntrospectionSettings settings = new IntrospectionSettings();
        settings.load(source);
        return settings;
    }

    public static IntrospectionSettings defaults() {
        return from(SettingsSource.defaults());
    }

    private void load(SettingsSource source) {
        clientSecretHashes = ResourceServerClients.parse(source.text(CLIENTS, ""));
    }

    Map<String, byte[]> clientSecretHashes() {
        return clientSecretHashes;
    }
}
