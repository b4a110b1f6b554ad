package dev.latchkey.cluster;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the {@code ${key}} and {@code ${key:default}} placeholders of a JGroups stack file from
 * Latchkey's configuration, before JGroups parses it. JGroups itself would only look in system
 * properties, which every library in the JVM can read, and which used to receive the JDBC_PING2
 * database password (finding 8): resolved here, values stay in the configuration and in this text.
 */
final class StackPlaceholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);

    private StackPlaceholders() {
    }

    /**
     * @throws IllegalStateException naming the key (never a value) when a placeholder has neither a
     *                               configured value nor a default
     */
    static String resolve(String stack, Map<String, String> values) {
        // JGroups ignores comments; a placeholder mentioned in one must not stop the start.
        Matcher matcher = PLACEHOLDER.matcher(COMMENT.matcher(stack).replaceAll(""));
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String key = matcher.group(1).strip();
            String value = values.get(key);
            if (value == null) {
                value = matcher.group(2);
            }
            if (value == null) {
                throw new IllegalStateException("The JGroups stack needs " + key + ", which is not set");
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(xmlAttribute(value)));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    /** Placeholders sit in attribute values: a password with a quote or an ampersand must stay one value. */
    private static String xmlAttribute(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;");
    }
}
