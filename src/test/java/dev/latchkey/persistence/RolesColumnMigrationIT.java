package dev.latchkey.persistence;

import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Change set 009-roles on a database that holds data from the changelog before it: accounts with
 * every shape the old space-separated {@code roles} column could hold keep every assignment as
 * {@code user_role} rows, names that were not roles become roles, and the column is gone. Runs on
 * the build's integration-test database kind: in-memory H2, or PostgreSQL (a schema of its own)
 * with -Ppostgresql.
 */
class RolesColumnMigrationIT {

    private static final String SCHEMA = "latchkey_roles_migration_it";

    @Test
    void everyAssignmentOfTheRolesColumnSurvivesAsARow() throws Exception {
        try (Connection connection = openEmptyDatabase()) {
            migrateUpToButExcluding(connection, "009-roles");
            insertAccount(connection, "00000000-0000-0000-0000-000000000001", "plain@example.test", "user");
            insertAccount(connection, "00000000-0000-0000-0000-000000000002", "admin@example.test", "user admin");
            insertAccount(connection, "00000000-0000-0000-0000-000000000003", "auditor@example.test", " user  auditor ");
            insertAccount(connection, "00000000-0000-0000-0000-000000000004", "only-admin@example.test", "admin");
            insertAccount(connection, "00000000-0000-0000-0000-000000000005", "none@example.test", "");

            SchemaMigration.migrate(connection);

            assertEquals(Map.of(
                    "00000000-0000-0000-0000-000000000001", Set.of("user"),
                    "00000000-0000-0000-0000-000000000002", Set.of("admin", "user"),
                    "00000000-0000-0000-0000-000000000003", Set.of("auditor", "user"),
                    "00000000-0000-0000-0000-000000000004", Set.of("admin")), assignments(connection));
            assertEquals(Map.of("admin", 1, "auditor", 0, "user", 1), roles(connection), "built-in flags, and the kept name");
            assertFalse(accountColumns(connection).contains("roles"), "the old column is dropped");
            assertTrue(accountColumns(connection).contains("last_login_at"));
        }
    }

    private static Connection openEmptyDatabase() throws SQLException {
        String url = System.getProperty("latchkey.it.datasource.url", "jdbc:h2:mem:latchkey-it");
        String user = System.getProperty("latchkey.it.datasource.user", "sa");
        String password = System.getProperty("latchkey.it.datasource.password", "");
        if (url.startsWith("jdbc:h2:")) {
            return DriverManager.getConnection("jdbc:h2:mem:roles-migration-" + System.nanoTime(), "sa", "");
        }
        try (Connection admin = DriverManager.getConnection(url, user, password); Statement statement = admin.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            statement.execute("CREATE SCHEMA " + SCHEMA);
        }
        return DriverManager.getConnection(url.replaceAll("currentSchema=[a-z_]+", "currentSchema=" + SCHEMA), user, password);
    }

    /** Applies the changelog's change sets in order until the first one whose id starts with {@code firstExcluded}. */
    private static void migrateUpToButExcluding(Connection connection, String firstExcluded) throws Exception {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
        Scope.child(Map.of("liquibase.analytics.enabled", false), () -> {
            Liquibase liquibase = new Liquibase(SchemaMigration.CHANGELOG,
                    new ClassLoaderResourceAccessor(RolesColumnMigrationIT.class.getClassLoader()), database);
            List<ChangeSet> pending = liquibase.listUnrunChangeSets(new Contexts(), new LabelExpression());
            int before = 0;
            while (!pending.get(before).getId().startsWith(firstExcluded)) {
                before++;
            }
            liquibase.update(before, new Contexts(), new LabelExpression());
        });
        assertTrue(accountColumns(connection).contains("roles"), "the database is at the changelog before 009");
    }

    private static void insertAccount(Connection connection, String id, String email, String roles) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO user_account (id, email, password_hash, roles, status,"
                + " created_at, updated_at, password_changed_at, version) VALUES (?, ?, 'not-a-hash', ?, 'ACTIVE', 1, 1, 1, 0)")) {
            insert.setString(1, id);
            insert.setString(2, email);
            insert.setString(3, roles);
            insert.executeUpdate();
        }
    }

    private static Map<String, Set<String>> assignments(Connection connection) throws SQLException {
        Map<String, Set<String>> byUser = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT user_id, role_name FROM user_role")) {
            while (rows.next()) {
                byUser.computeIfAbsent(rows.getString(1), id -> new TreeSet<>()).add(rows.getString(2));
            }
        }
        return byUser;
    }

    private static Map<String, Integer> roles(Connection connection) throws SQLException {
        Map<String, Integer> builtIn = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name, built_in FROM app_role")) {
            while (rows.next()) {
                builtIn.put(rows.getString(1), rows.getInt(2));
            }
        }
        return builtIn;
    }

    private static Set<String> accountColumns(Connection connection) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM user_account WHERE 1 = 0")) {
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                names.add(rows.getMetaData().getColumnName(i).toLowerCase());
            }
        }
        return names;
    }
}
