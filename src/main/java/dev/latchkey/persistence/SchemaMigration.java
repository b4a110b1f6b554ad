package dev.latchkey.persistence;

import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

import java.sql.Connection;
import java.util.Map;

/**
 * Brings a database up to the changelogs under {@code liquibase/}. The one migration routine: the
 * server runs it at boot ({@link DatabaseMigration}) and the key tool runs it before its first
 * statement, so that keys can be created before the first server starts. Plain Java, no container.
 */
public final class SchemaMigration {

    /** The embedded development database. H2's trace file is off: it would record failing SQL statements. */
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/latchkey;TRACE_LEVEL_FILE=0";

    static final String CHANGELOG = "liquibase/db.changelog-master.xml";

    private static final String ANALYTICS_ENABLED = "liquibase.analytics.enabled";

    private SchemaMigration() {
    }

    /** @return the database product name, for the log line */
    public static String migrate(Connection connection) throws Exception {
        ClassLoader classLoader = SchemaMigration.class.getClassLoader();
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
        // Liquibase 4.30+ fetches a remote configuration and sends usage analytics unless told
        // not to: an authentication server makes no outbound calls, and air-gapped hosts must
        // not wait on one at boot. Its progress goes to the log rather than to standard output,
        // which is the key tool's answer to the operator.
        Scope.child(Map.of(ANALYTICS_ENABLED, false, Scope.Attr.ui.name(), new LoggerUIService()), () -> {
            // Not closed: closing Liquibase closes the connection, which belongs to the caller.
            Liquibase liquibase = new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(classLoader), database);
            liquibase.setShowSummaryOutput(UpdateSummaryOutputEnum.LOG);
            liquibase.update(new Contexts(), new LabelExpression());
        });
        return database.getDatabaseProductName();
    }
}
