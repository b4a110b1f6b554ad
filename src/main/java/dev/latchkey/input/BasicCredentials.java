package dev.latchkey.input;

import dev.latchkey.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A machine client's id and secret from HTTP Basic ({@code Authorization: Basic …}), decoded the
 * way RFC 6749 section 2.3.1 asks (each part form-encoded; a plain id and a generated secret
 * read the same either way). Anything else (two headers, another scheme, bad base64, no colon)
 * is empty, so that every malformed header is refused the way a wrong secret is.
 */
public record BasicCredentials(String clientId, String secret) {

    private static final String BASIC_PREFIX = "basic ";

    /** @param authorization every {@code Authorization} header of the request */
    public static Optional<BasicCredentials> from(List<String> authorization) {
        if (authorization.size() != 1) {
            return Optional.empty();
        }
        String header = authorization.get(0);
        if (header.length() <= BASIC_PREFIX.length()
                || !header.substring(0, BASIC_PREFIX.length()).toLowerCase(Locale.ROOT).equals(BASIC_PREFIX)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(BASIC_PREFIX.length()).strip()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            return Optional.of(new BasicCredentials(
                    StrictForm.decodeComponent(decoded.substring(0, colon)),
                    StrictForm.decodeComponent(decoded.substring(colon + 1))));
        } catch (IllegalArgumentException | ProblemException malformed) {
            return Optional.empty();
        }
    }

    /** Whether the header names the Basic scheme at all, well-formed or not. */
    public static boolean isBasic(String authorization) {
        return authorization.regionMatches(true, 0, BASIC_PREFIX, 0, BASIC_PREFIX.length());
    }

    @Override
    public String toString() {
        // A record would print the secret.
        return "BasicCredentials[" + clientId + "]";
    }
}
