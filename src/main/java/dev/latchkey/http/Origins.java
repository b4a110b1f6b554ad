package dev.latchkey.http;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Web origins (RFC 6454): how the CSRF checks and CORS recognise where a request comes from. */
public final class Origins {

    private Origins() {
    }

    /** scheme://host[:port] of a URL or origin, lower-cased; empty for "null" and anything unparsable. */
    public static Optional<String> of(String url) {
        try {
            URI uri = URI.create(url.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Optional.empty();
            }
            String origin = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
            return Optional.of(origin.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The origins of a comma-separated configuration value; blank entries are skipped. */
    public static Set<String> parseList(String commaSeparated, java.util.function.Function<String, Optional<String>> parser) {
        return Arrays.stream(commaSeparated.split(","))
                .map(String::strip)
                .filter(entry -> !entry.isEmpty())
                .map(parser)
                .flatMap(Optional::stream)
                .collect(Collectors.toUnmodifiableSet());
    }
}
