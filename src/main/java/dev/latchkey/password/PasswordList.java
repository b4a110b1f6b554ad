package dev.latchkey.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A word list of passwords that must not be used, loaded once into a hash set so that each check
 * is a single lookup. Entries are compared case-insensitively: "Password1234" is no better than
 * "password1234".
 */
final class PasswordList {

    private final Set<String> entries;

    private PasswordList(Set<String> entries) {
        this.entries = Set.copyOf(entries);
    }

    /**
     * @param minimumLength entries shorter than this (in code points) are skipped: the length rule
     *                      already refuses them, so only the rest need memory
     */
    static PasswordList fromResource(String resource, int minimumLength) {
        InputStream in = PasswordList.class.getResourceAsStream(resource);
        if (in == null) {
            // Fail closed: a policy without its list would silently accept common passwords.
            throw new IllegalStateException("Password list " + resource + " is missing from the application");
        }
        Set<String> entries = new HashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String entry = canonical(line);
                if (entry.codePointCount(0, entry.length()) >= minimumLength) {
                    entries.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read password list " + resource, e);
        }
        return new PasswordList(entries);
    }

    boolean contains(String password) {
        return entries.contains(canonical(password));
    }

    int size() {
        return entries.size();
    }

    private static String canonical(String password) {
        return Passwords.normalize(password).toLowerCase(Locale.ROOT);
    }
}
