package dev.latchkey.testsupport.client;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Run by the postgresql Maven profile before the integration tests: drops and recreates the test
 * schema, so that every run proves the Liquibase changelogs migrate an empty database.
 */
public final class ResetPostgresSchema {

    private ResetPostgresSchema() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String schema = args[2];
        if (!schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Unexpected schema name");
        }
        try (Connection connection = DriverManager.getConnection(url, user, "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        }
        System.err.println("PostgreSQL schema " + schema + " reset to empty");
    }
}
