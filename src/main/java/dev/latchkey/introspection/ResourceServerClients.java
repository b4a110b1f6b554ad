package dev.latchkey.introspection;

import dev.latchkey.crypto.ClientCredentials;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The resource servers allowed to introspect tokens ({@link IntrospectionSettings}).
 * Configuration rather than a table: every node reads the same entries.
 */
@ApplicationScoped
public class ResourceServerClients {

    @Inject
    IntrospectionSettings settings;

    private ClientCredentials credentials;

    @PostConstruct
    void load() {
        credentials = settings.clientCredentials();
    }

    /** Created at boot, not at the first introspection: a malformed registration then stops the deployment. */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    public boolean authenticate(String clientId, String secret) {
        return credentials.authenticate(clientId, secret);
    }
}
