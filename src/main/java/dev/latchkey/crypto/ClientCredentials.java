package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Machine clients that authenticate with a secret Latchkey generated (resource servers at
 * introspection, a Prometheus scraper at {@code /metrics}), configured as comma-separated
 * {@code client-id:hash} entries. A secret has 256 random bits and is never chosen by a person, so
 * a fast hash is enough, and right: nobody can guess one from its hash, and checking it stays
 * cheap. A list of hashes is safe to keep wherever the rest of the configuration lives; a
 * malformed entry stops the deployment.
 */
public final class ClientCredentials {

    static final int SECRET_BYTES = 32;
    private static final int HASH_BYTES = 32;
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Compared against when the client id is unknown, so that both failures cost the same. */
    private static final byte[] NO_SUCH_CLIENT = new byte[HASH_BYTES];

    private final Map<String, byte[]> hashes;

    private ClientCredentials(Map<String, byte[]> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    /**
     * @param settingKey named in the message that stops the deployment
     * @throws IllegalStateException for an entry that is not {@code client-id:hash}, a hash not
     *                               printed by the key tool's {@code client-secret}, or a client
     *                               named twice
     */
    public static ClientCredentials parse(String settingKey, String entries) {
        Map<String, byte[]> parsed = new HashMap<>();
        for (String entry : entries.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String clientId = colon < 0 ? trimmed : trimmed.substring(0, colon);
            if (colon < 0 || !isValidClientId(clientId)) {
                throw new IllegalStateException(settingKey + ": each entry is client-id:hash");
            }
            byte[] hash;
            try {
                hash = Base64Values.fromUrl(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException notBase64Url) {
                hash = new byte[0];
            }
            if (hash.length != HASH_BYTES) {
                throw new IllegalStateException(settingKey + ": the hash of " + clientId
                        + " is not one printed by KeyTool client-secret");
            }
            if (parsed.put(clientId, hash) != null) {
                throw new IllegalStateException(settingKey + ": " + clientId + " appears twice");
            }
        }
        return new ClientCredentials(parsed);
    }

    public static boolean isValidClientId(String clientId) {
        return CLIENT_ID.matcher(clientId).matches();
    }

    public static String generateSecret() {
        return RandomTokens.base64Url(SECRET_BYTES);
    }

    /** @return base64url of SHA-256 over the secret's UTF-8 bytes: what the configuration holds */
    public static String hash(String secret) {
        return TokenDigests.sha256(secret);
    }

    public boolean isEmpty() {
        return hashes.isEmpty();
    }

    /** Constant time in the secret, and the same work for an unknown client as for a wrong secret. */
    public boolean authenticate(String clientId, String secret) {
        byte[] expected = hashes.getOrDefault(clientId, NO_SUCH_CLIENT);
        byte[] presented = TokenDigests.sha256(secret.getBytes(StandardCharsets.UTF_8));
        return ConstantTime.equal(expected, presented) && hashes.containsKey(clientId);
    }
}
