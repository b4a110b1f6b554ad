package dev.latchkey.persistence;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

import javax.sql.DataSource;
import java.sql.Connection;
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
        className = "${MPCONFIG=latchkey.datasource.class-name:org.h2.jdbcx.JdbcDataSource}",
        url = "${MPCONFIG=latchkey.datasource.url:jdbc:h2:file:./data/latchkey;TRACE_LEVEL_FILE=0}",
        user = "${MPCONFIG=latchkey.datasource.user:sa}",
        password = "${MPCONFIG=latchkey.datasource.password:}",
        minPoolSize = 2,
        maxPoolSize = 32)
@ApplicationScoped
public class DatabaseMigration {

    public static final String DATA_SOURCE = "java:app/jdbc/latchkey";

    static final String CHANGELOG = "liquibase/db.changelog-master.xml";

    private static final Logger LOG = Logger.getLogger(DatabaseMigration.class.getName());

    @Resource(lookup = DATA_SOURCE)
    DataSource dataSource;

    void migrate(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class) Object started)
            throws Exception {
        ClassLoader classLoader = DatabaseMigration.class.getClassLoader();
        try (Connection connection = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            String product = database.getDatabaseProductName();
            try (Liquibase liquibase = new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(classLoader), database)) {
                liquibase.update(new Contexts(), new LabelExpression());
            }
            LOG.info(() -> "Database schema is up to date (" + product + ")");
        }
    }
}
