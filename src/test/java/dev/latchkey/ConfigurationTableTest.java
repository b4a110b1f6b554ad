package dev.latchkey;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.latchkey.config.SettingsSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration table in docs/configuration.md is complete and true: every key a
 * {@code *Settings} class reads is documented, every documented key is read, and each feature's
 * keys ({@code latchkey.<feature>.*}) have exactly one reader. The keys read are observed, not
 * declared: each settings class is built from a recording source with nothing configured, which
 * also proves that every default passes the class's own validation.
 */
class ConfigurationTableTest {

    private static final Path TABLE = Path.of("docs/configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`(latchkey\\.[a-z0-9.-]+)`\\s*\\|");

    @Test
    void everyKeyReadIsDocumentedAndEveryDocumentedKeyIsRead() throws Exception {
        Map<String, String> readers = keysReadBySettingsClasses();
        Set<String> documented = documentedKeys();
        Set<String> undocumented = new TreeSet<>(readers.keySet());
        undocumented.removeAll(documented);
        Set<String> unread = new TreeSet<>(documented);
        unread.removeAll(readers.keySet());
        assertEquals(Set.of(), undocumented, "keys read but missing from " + TABLE);
        assertEquals(Set.of(), unread, "keys in " + TABLE + " that no settings class reads");
    }

    @Test
    void eachFeatureHasOneSettingsClass() throws Exception {
        Map<String, String> ownerOfFeature = new TreeMap<>();
        List<String> conflicts = new ArrayList<>();
        keysReadBySettingsClasses().forEach((key, reader) -> {
            String feature = key.split("\\.")[1];
            String owner = ownerOfFeature.putIfAbsent(feature, reader);
            if (owner != null && !owner.equals(reader)) {
                conflicts.add(key + " is read by " + reader + ", but latchkey." + feature + ".* belongs to " + owner);
            }
        });
        assertEquals(List.of(), conflicts);
        assertTrue(ownerOfFeature.size() >= 12, "only found " + ownerOfFeature);
    }

    /** Key to the settings class that reads it; fails when two classes read the same key. */
    static Map<String, String> keysReadBySettingsClasses() throws Exception {
        Map<String, String> readers = new TreeMap<>();
        for (JavaClass settingsClass : new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ArchitectureTest.ROOT)) {
            if (!settingsClass.getSimpleName().endsWith("Settings") || settingsClass.isNestedClass()
                    || settingsClass.getModifiers().contains(JavaModifier.ABSTRACT)) {
                continue;
            }
            SettingsSource source = SettingsSource.defaults();
            build(settingsClass.reflect(), source);
            assertTrue(!source.keysRead().isEmpty(), settingsClass.getName() + " read no key");
            for (String key : source.keysRead()) {
                String other = readers.put(key, settingsClass.getSimpleName());
                assertTrue(other == null, key + " is read by both " + other + " and " + settingsClass.getSimpleName());
            }
        }
        return readers;
    }

    /** Calls the class's static {@code from(SettingsSource, ...)}, other settings it needs at their defaults. */
    private static void build(Class<?> settingsClass, SettingsSource source) throws Exception {
        for (Method method : settingsClass.getDeclaredMethods()) {
            Class<?>[] parameters = method.getParameterTypes();
            if (method.getName().equals("from") && Modifier.isStatic(method.getModifiers())
                    && parameters.length > 0 && parameters[0] == SettingsSource.class) {
                Object[] arguments = new Object[parameters.length];
                arguments[0] = source;
                for (int i = 1; i < parameters.length; i++) {
                    arguments[i] = parameters[i].getMethod("defaults").invoke(null);
                }
                method.invoke(null, arguments);
                return;
            }
        }
        throw new AssertionError(settingsClass.getName() + " has no static from(SettingsSource, ...)");
    }

    private static Set<String> documentedKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        for (String line : Files.readAllLines(TABLE)) {
            Matcher row = ROW.matcher(line);
            if (row.find() && !keys.add(row.group(1))) {
                throw new AssertionError(row.group(1) + " appears twice in " + TABLE);
            }
        }
        assertTrue(keys.size() > 40, "the table in " + TABLE + " did not parse");
        return keys;
    }
}
