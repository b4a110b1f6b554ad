package dev.latchkey.testsupport.client;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Run by the postgresql Maven profile before the integration tests: drops and recreates the test
 * schema, so that every run proves the Liquibase changelogs migrate an empty database.
 */
public final class ResetPostgresSchema {

    private ResetPostgresSchema() {
    }

    public static void main(String[] args) throws Exception {
        reset(args[0], args[1], "", args[2]);
        System.err.println("PostgreSQL schema " + args[2] + " reset to empty");
    }

    /** Drops the schema with everything in it, if it exists, and creates it empty. */
    public static void reset(String url, String user, String password, String schema) throws SQLException {
        if (!schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Unexpected schema name");
        }
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        }
    }
}
