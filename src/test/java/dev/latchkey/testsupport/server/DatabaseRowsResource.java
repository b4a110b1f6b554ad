package dev.latchkey.testsupport.server;

import dev.latchkey.persistence.DatabaseMigration;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Test deployments only, straight on the server's data source: which rows of which tables hold a
 * value (every character column of every table of the schema, so a table added later is searched
 * too), many accounts created at once for the user-list tests, the audit table taken away, and
 * the outbox emptied.
 */
@Path("/test-support/database")
@RequestScoped
public class DatabaseRowsResource {

    private static final Set<Integer> TEXT_TYPES = Set.of(Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.CLOB,
            Types.NVARCHAR, Types.NCHAR, Types.LONGNVARCHAR, Types.NCLOB);

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    Clock clock;

    /**
     * One line {@code table.column count} per column holding {@code value} anywhere in its text;
     * the first line counts the tables searched.
     */
    @GET
    @Path("rows-naming")
    public Response rowsNaming(@QueryParam("value") String value) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metadata = connection.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = metadata.getTables(connection.getCatalog(), connection.getSchema(), "%", new String[] {"TABLE"})) {
                while (rows.next()) {
                    tables.add(rows.getString("TABLE_NAME"));
                }
            }
            lines.add("tables " + tables.size());
            for (String table : tables) {
                try (ResultSet columns = metadata.getColumns(connection.getCatalog(), connection.getSchema(), table, "%")) {
                    while (columns.next()) {
                        if (!TEXT_TYPES.contains(columns.getInt("DATA_TYPE"))) {
                            continue;
                        }
                        String column = columns.getString("COLUMN_NAME");
                        try (PreparedStatement count = connection.prepareStatement(
                                "SELECT COUNT(*) FROM " + quoted(table) + " WHERE " + quoted(column) + " LIKE ?")) {
                            count.setString(1, "%" + value + "%");
                            try (ResultSet result = count.executeQuery()) {
                                result.next();
                                if (result.getLong(1) > 0) {
                                    lines.add(table.toLowerCase() + "." + column.toLowerCase() + " " + result.getLong(1));
                                }
                            }
                        }
                    }
                }
            }
        }
        return Response.ok(String.join("\n", lines)).build();
    }

    /** {@code count} active, verified accounts {@code <prefix><number>@bulk.example.test}, holding the role user; they cannot sign in. */
    @POST
    @Path("users")
    public Response createUsers(@QueryParam("prefix") String prefix, @QueryParam("count") int count) throws SQLException {
        long now = clock.millis();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement account = connection.prepareStatement("INSERT INTO user_account (id, email, password_hash, status,"
                     + " created_at, updated_at, password_changed_at, email_verified_at, version) VALUES (?, ?, 'not-a-hash', 'ACTIVE', ?, ?, ?, ?, 0)");
             PreparedStatement role = connection.prepareStatement("INSERT INTO user_role (user_id, role_name) VALUES (?, 'user')")) {
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                account.setString(1, id);
                account.setString(2, prefix + String.format("%05d", i) + "@bulk.example.test");
                for (int column = 3; column <= 6; column++) {
                    account.setLong(column, now);
                }
                account.addBatch();
                role.setString(1, id);
                role.addBatch();
            }
            account.executeBatch();
            role.executeBatch();
        }
        return Response.noContent().build();
    }

    /**
     * Takes the audit table away (renames it) or puts it back, so that a test can see what a
     * request does when its event cannot be stored.
     */
    @POST
    @Path("audit-table")
    public Response auditTable(@QueryParam("present") boolean present) throws SQLException {
        return tablePresent("audit_event", present);
    }

    /** The same for the signing-key table: the node's re-reads of its key set fail while it is away. */
    @POST
    @Path("signing-key-table")
    public Response signingKeyTable(@QueryParam("present") boolean present) throws SQLException {
        return tablePresent("signing_key", present);
    }

    /**
     * Drops every message of the outbox, sent or not. Every test starts with an empty outbox
     * ({@code DeployedLatchkeyTest}): on a server the suite shares, the earlier classes' mail
     * would otherwise wait for SMTP ahead of a test's own, hundreds of messages once the fuzzer ran.
     */
    @POST
    @Path("outbox/empty")
    public Response emptyOutbox() throws SQLException {
        try (Connection connection = dataSource.getConnection(); java.sql.Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM mail_outbox");
        }
        return Response.noContent().build();
    }

    /** How many messages the outbox holds: none once every mail a test caused is sent and its row gone. */
    @GET
    @Path("outbox/size")
    public Response outboxSize() throws SQLException {
        try (Connection connection = dataSource.getConnection(); java.sql.Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM mail_outbox")) {
            count.next();
            return Response.ok(String.valueOf(count.getLong(1))).build();
        }
    }

    /** How many events of the audit trail have this code ({@code password_reset_requested}): stored ones, not queued ones. */
    @GET
    @Path("audit/count")
    public Response auditEvents(@QueryParam("event") String event) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM audit_event WHERE event = ?")) {
            statement.setString(1, event);
            try (ResultSet count = statement.executeQuery()) {
                count.next();
                return Response.ok(String.valueOf(count.getLong(1))).build();
            }
        }
    }

    private Response tablePresent(String table, boolean present) throws SQLException {
        try (Connection connection = dataSource.getConnection(); java.sql.Statement statement = connection.createStatement()) {
            statement.execute(present ? "ALTER TABLE " + table + "_away RENAME TO " + table
                    : "ALTER TABLE " + table + " RENAME TO " + table + "_away");
        }
        return Response.noContent().build();
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
