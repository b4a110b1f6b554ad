package dev.latchkey.persistence;

import dev.latchkey.config.SettingsSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded database's directory is made private only when Latchkey creates it: a directory
 * that already exists (with {@code jdbc:h2:file:/tmp/x}, that is {@code /tmp}) is never changed.
 */
class EmbeddedDatabaseDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void anExistingDirectoryIsNeverChanged() throws Exception {
        Path shared = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));

        protect("jdbc:h2:file:" + shared + "/latchkey;TRACE_LEVEL_FILE=0");

        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)),
                "a directory Latchkey did not create keeps its permissions");
    }

    @Test
    void directoriesLatchkeyCreatesAreItsOwnerOnly() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = temp.resolve("latchkey-data");

        protect("jdbc:h2:file:" + data + "/db/latchkey");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("db"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(temp)),
                "the existing parent of the created directories is not touched");
    }

    @Test
    void anExistingDirectoryOpenToOthersIsReportedNotChanged() throws Exception {
        Path shared = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(DatabaseMigration.class.getName());
        logger.addHandler(handler);
        try {
            protect("jdbc:h2:file:" + shared + "/latchkey");
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(shared.toString()) && warnings.get(0).contains("chmod 700"), warnings.get(0));
    }

    /** H2 reads a leading ~ as the home directory; taken literally it would create a directory named ~. */
    @Test
    void theDirectoryIsTheOneH2Uses() {
        assertEquals(Optional.of(Path.of("/home/latchkey/db")),
                DatabaseMigration.embeddedDatabaseDirectory("jdbc:h2:file:~/db/latchkey;TRACE_LEVEL_FILE=0", "/home/latchkey"));
        assertEquals(Optional.of(Path.of("data").toAbsolutePath()),
                DatabaseMigration.embeddedDatabaseDirectory(SchemaMigration.DEFAULT_URL, "/home/latchkey"));
        assertEquals(Optional.of(Path.of("/tmp")), DatabaseMigration.embeddedDatabaseDirectory("jdbc:h2:file:/tmp/x", "/home/latchkey"));
        assertEquals(Optional.empty(), DatabaseMigration.embeddedDatabaseDirectory("jdbc:h2:mem:latchkey", "/home/latchkey"));
    }

    @Test
    void otherDatabasesAreNotTouched() throws Exception {
        protect("jdbc:postgresql://db.internal/latchkey");
        protect("jdbc:h2:mem:latchkey");
        assertTrue(Files.list(temp).findAny().isEmpty());
    }

    private static void protect(String url) throws Exception {
        DatabaseMigration migration = new DatabaseMigration();
        migration.settings = DatasourceSettings.from(SettingsSource.of(Map.of(DatasourceSettings.URL, url)));
        migration.protectEmbeddedDatabaseDirectory(new Object());
    }
}
