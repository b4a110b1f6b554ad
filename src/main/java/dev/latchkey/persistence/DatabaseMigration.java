package dev.latchkey.persistence;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
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
 * <p>The data source is the server's own, not the application's: every server binds it under the
 * global name {@link #SERVER_NAME}, which persistence.xml names, and this code looks it up through
 * web.xml's resource reference of that name ({@link #DATA_SOURCE}). Payara binds an unmapped
 * reference to the global name of the same text, and creates the data source from
 * {@code server-config/payara/pre-boot-commands.asadmin}; WildFly binds the reference by
 * {@code WEB-INF/jboss-web.xml} to the data source {@code server-config/wildfly/latchkey.cli}
 * creates at {@code java:/jdbc/latchkey} (which is how WildFly reads persistence.xml's name).
 * A data source the WAR defined itself would not do: WildFly starts an EclipseLink persistence
 * unit before it binds an application's own names, so the deployment would wait for itself. Both
 * servers read the {@code latchkey.datasource.*} keys of {@link DatasourceSettings}, with its
 * defaults: an H2 file database under {@code ./data/}.
 *
 * <p>A migration failure aborts the deployment: a node with a schema it does not understand
 * must not serve traffic.
 */
@ApplicationScoped
public class DatabaseMigration {

    /** The data source's global name on every server, and the name of web.xml's reference to it. */
    public static final String SERVER_NAME = "jdbc/latchkey";

    /**
     * Where Latchkey's code looks the data source up: web.xml's reference, never an annotation's
     * own (WildFly gives an unmapped {@code @Resource(name = ...)} on a CDI bean its default data
     * source, whatever jboss-web.xml maps).
     */
    public static final String DATA_SOURCE = "java:comp/env/" + SERVER_NAME;

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
