package dev.latchkey.persistence;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Inject;


import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Migrates the database with Liquibase before the application serves a request. The changelogs
 * under {@code liquibase/} own the schema; JPA never generates DDL.
 *
 * <p>The data source is defined here and configured through MicroProfile Config (Payara expands
 * {@code ${MPCONFIG=key:default}} when it deploys the application, so the keys must come from
 * system properties or the environment, not from the WAR's own properties file). Without any
 * configuration it is an H2 file database under {@code ./data/}.
 *
 * <p>A migration failure aborts the deployment: a node with a schema it does not understand
 * must not serve traffic.
 */
@DataSourceDefinition(
        name = DatabaseMigration.DATA_SOURCE,
        className = "${MPCONFIG=latchkey.datasource.class-name:" + DatabaseMigration.DEFAULT_CLASS_NAME + "}",
        url = "${MPCONFIG=latchkey.datasource.url:" + DatabaseMigration.DEFAULT_URL + "}",
        user = "${MPCONFIG=latchkey.datasource.user:" + DatabaseMigration.DEFAULT_USER + "}",
        password = "${MPCONFIG=latchkey.datasource.password:}",
        minPoolSize = 2,
        maxPoolSize = 32)
@ApplicationScoped
public class DatabaseMigration {

    public static final String DATA_SOURCE = "java:app/jdbc/latchkey";

    static final String DEFAULT_URL = SchemaMigration.DEFAULT_URL;
    static final String DEFAULT_CLASS_NAME = "org.h2.jdbcx.JdbcDataSource";
    static final String DEFAULT_USER = "sa";

    private static final Logger LOG = Logger.getLogger(DatabaseMigration.class.getName());

    private static final String H2_FILE_PREFIX = "jdbc:h2:file:";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    @Resource(lookup = DATA_SOURCE)
    DataSource dataSource;

    @Inject
    DatasourceSettings settings;

    void migrate(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class) Object started)
            throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            String product = SchemaMigration.migrate(connection);
            LOG.info(() -> "Database schema is up to date (" + product + ")");
        }
    }

    /**
     * The embedded database holds password hashes, and H2 creates its files readable by anyone the
     * umask allows. So the directories of an H2 file database that Latchkey creates (by default
     * {@code ./data/}) are created private to the server's user, before H2 writes anything.
     *
     * <p>Only those: a directory that already exists is never changed, since it is not
     * Latchkey's to change ({@code jdbc:h2:file:/tmp/latchkey} names a file in {@code /tmp}, and
     * making {@code /tmp} owner-only would break the machine). When such a directory is open to
     * other users, a warning says so, and what to do.
     */
    void protectEmbeddedDatabaseDirectory(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1)
                                          @Initialized(ApplicationScoped.class) Object started) throws IOException {
        Optional<Path> directory = embeddedDatabaseDirectory(settings.url(), System.getProperty("user.home"));
        if (directory.isPresent() && directory.get().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            protect(directory.get());
        }
    }

    /**
     * The directory an H2 file database lives in, resolved as H2 resolves it (a leading {@code ~}
     * is the user's home directory); empty for any other database.
     */
    static Optional<Path> embeddedDatabaseDirectory(String url, String userHome) {
        if (!url.startsWith(H2_FILE_PREFIX)) {
            return Optional.empty();
        }
        String location = url.substring(H2_FILE_PREFIX.length()).split(";", 2)[0];
        if (location.equals("~") || location.startsWith("~/") || location.startsWith("~\\")) {
            location = userHome + location.substring(1);
        }
        return Optional.ofNullable(Path.of(location).toAbsolutePath().normalize().getParent());
    }

    /** Creates the missing directories owner-only, one level at a time; changes none that existed. */
    static void protect(Path directory) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path level = directory; level != null && !Files.exists(level, LinkOption.NOFOLLOW_LINKS); level = level.getParent()) {
            missing.push(level);
        }
        if (missing.isEmpty()) {
            warnIfOpenToOthers(directory);
            return;
        }
        for (Path level : missing) {
            try {
                Files.createDirectory(level, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException createdMeanwhile) {
                // Someone else's after all: not ours to change.
                continue;
            }
            // Created here, so ours: owner-only whatever the umask.
            Files.setPosixFilePermissions(level, OWNER_ONLY);
        }
    }

    private static void warnIfOpenToOthers(Path directory) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
        if (!OWNER_ONLY.containsAll(permissions)) {
            LOG.warning(() -> "The embedded database's directory " + directory + " is open to other users ("
                    + PosixFilePermissions.toString(permissions) + "), and the database files hold password hashes. "
                    + "Latchkey changes only directories it creates: point latchkey.datasource.url at a directory of "
                    + "its own, or make this one owner-only (chmod 700).");
        }
    }
}
