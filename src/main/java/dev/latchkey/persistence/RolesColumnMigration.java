package dev.latchkey.persistence;

import liquibase.change.custom.CustomTaskChange;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.CustomChangeException;
import liquibase.exception.SetupException;
import liquibase.exception.ValidationErrors;
import liquibase.resource.ResourceAccessor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Change set 009-roles: copies the space-separated {@code user_account.roles} column into
 * {@code user_role} rows before the column is dropped. Every name the column holds is kept: one
 * that is not a role yet (put there by hand in SQL) becomes a role without permissions, so that no
 * assignment is lost. A name that cannot be a role stops the migration, naming the account, rather
 * than being dropped silently.
 *
 * <p>Plain JDBC in Java rather than SQL, because splitting a string has no portable SQL across
 * H2, PostgreSQL and MariaDB.
 */
public class RolesColumnMigration implements CustomTaskChange {

    /** The same rule as {@code role.RoleName}; repeated because persistence sits below role. */
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private int assignments;

    @Override
    public void execute(Database database) throws CustomChangeException {
        Connection connection = ((JdbcConnection) database.getConnection()).getUnderlyingConnection();
        try {
            Map<String, Set<String>> rolesByUser = readRolesColumn(connection);
            Set<String> known = existingRoles(connection);
            try (PreparedStatement role = connection.prepareStatement(
                         "INSERT INTO app_role (name, description, built_in, updated_at) VALUES (?, ?, 0, 0)");
                 PreparedStatement assignment = connection.prepareStatement(
                         "INSERT INTO user_role (user_id, role_name) VALUES (?, ?)")) {
                for (Map.Entry<String, Set<String>> user : rolesByUser.entrySet()) {
                    for (String name : user.getValue()) {
                        if (known.add(name)) {
                            role.setString(1, name);
                            role.setString(2, "Kept from the roles column by change set 009-roles.");
                            role.executeUpdate();
                        }
                        assignment.setString(1, user.getKey());
                        assignment.setString(2, name);
                        assignment.addBatch();
                        assignments++;
                    }
                }
                assignment.executeBatch();
            }
        } catch (SQLException e) {
            throw new CustomChangeException("Copying user_account.roles into user_role failed", e);
        }
    }

    private static Map<String, Set<String>> readRolesColumn(Connection connection) throws SQLException, CustomChangeException {
        Map<String, Set<String>> rolesByUser = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, roles FROM user_account ORDER BY id");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Set<String> names = new LinkedHashSet<>();
                for (String name : rows.getString(2).trim().split("\\s+")) {
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!ROLE_NAME.matcher(name).matches()) {
                        throw new CustomChangeException("Account " + rows.getString(1)
                                + " holds a role name that is not [A-Za-z0-9][A-Za-z0-9._-]{0,63}; rename it in user_account.roles and start again");
                    }
                    names.add(name);
                }
                rolesByUser.put(rows.getString(1), names);
            }
        }
        return rolesByUser;
    }

    private static Set<String> existingRoles(Connection connection) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT name FROM app_role");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    @Override
    public String getConfirmationMessage() {
        return "Copied " + assignments + " role assignments from user_account.roles into user_role";
    }

    @Override
    public void setUp() throws SetupException {
        // nothing to set up
    }

    @Override
    public void setFileOpener(ResourceAccessor resourceAccessor) {
        // reads no files
    }

    @Override
    public ValidationErrors validate(Database database) {
        return new ValidationErrors();
    }
}
