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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
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
     * The embedded default database holds password hashes: its directory is made private to the
     * server's user before H2 creates the files in it (H2 itself would leave them world-readable).
     */
    void protectEmbeddedDatabaseDirectory(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1)
                                          @Initialized(ApplicationScoped.class) Object started) throws IOException {
        String url = settings.url();
        if (!url.startsWith(H2_FILE_PREFIX)) {
            return;
        }
        String location = url.substring(H2_FILE_PREFIX.length()).split(";", 2)[0];
        Path directory = Path.of(location).toAbsolutePath().getParent();
        if (directory != null && directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(directory, OWNER_ONLY);
        }
    }
}
