package dev.latchkey.introspection;

import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.ConstantTime;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The resource servers allowed to introspect tokens ({@link IntrospectionSettings}).
 * Configuration rather than a table: every node reads the
 * same entries, and a list of hashes is safe to keep wherever the rest of the configuration lives.
 * A malformed entry stops the deployment.
 */
@ApplicationScoped
public class ResourceServerClients {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int HASH_BYTES = 32;

    /** Compared against when the client id is unknown, so that both failures cost the same. */
    private static final byte[] NO_SUCH_CLIENT = new byte[HASH_BYTES];

    @Inject
    IntrospectionSettings settings;

    private Map<String, byte[]> hashes;

    @PostConstruct
    void load() {
        hashes = settings.clientSecretHashes();
    }

    /** Created at boot, not at the first introspection: a malformed registration then stops the deployment. */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    static Map<String, byte[]> parse(String entries) {
        Map<String, byte[]> parsed = new HashMap<>();
        for (String entry : entries.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String clientId = colon < 0 ? trimmed : trimmed.substring(0, colon);
            if (colon < 0 || !CLIENT_ID.matcher(clientId).matches()) {
                throw new IllegalStateException("latchkey.introspection.clients: each entry is client-id:hash");
            }
            byte[] hash;
            try {
                hash = Base64Values.fromUrl(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                hash = new byte[0];
            }
            if (hash.length != HASH_BYTES) {
                throw new IllegalStateException("latchkey.introspection.clients: the hash of " + clientId
                        + " is not one printed by KeyTool client-secret");
            }
            if (parsed.put(clientId, hash) != null) {
                throw new IllegalStateException("latchkey.introspection.clients: " + clientId + " appears twice");
            }
        }
        return Map.copyOf(parsed);
    }

    /** Constant time in the secret, and the same work for an unknown client as for a wrong secret. */
    public boolean authenticate(String clientId, String secret) {
        byte[] expected = hashes.getOrDefault(clientId, NO_SUCH_CLIENT);
        byte[] presented = Base64Values.fromUrl(ClientSecrets.hash(secret));
        return ConstantTime.equal(expected, presented) && hashes.containsKey(clientId);
    }
}
