package dev.latchkey.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code signing_key} table, in plain JDBC. Plain JDBC rather than JPA because the key tool
 * runs it outside any container, against the same database, and the server must read exactly
 * what the tool wrote; one implementation serves both.
 *
 * <p>Every state change is a conditional UPDATE on the state the caller saw (a compare-and-set),
 * and the unique index on {@code active_slot} lets at most one key be active: of two concurrent
 * promotions, or two nodes generating a first development key at the same moment, one wins and
 * the other fails without changing anything.
 */
public final class SigningKeyStore {

    /** Where connections come from: the server's data source, or the key tool's JDBC URL. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    /** The insert or promotion would have made a second active key. */
    public static final class ActiveKeyConflictException extends Exception {
        private static final long serialVersionUID = 1L;

        ActiveKeyConflictException() {
            super("Another key became active at the same time", null, false, false);
        }
    }

    private static final String COLUMNS =
            "kid, algorithm, state, sealed_private_jwk, created_at, activated_at, retired_at, revoked_at";

    private final Connections connections;

    public SigningKeyStore(Connections connections) {
        this.connections = connections;
    }

    public List<StoredSigningKey> findAll() {
        try (Connection connection = connections.open();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM signing_key ORDER BY created_at, kid");
             ResultSet rows = select.executeQuery()) {
            List<StoredSigningKey> keys = new ArrayList<>();
            while (rows.next()) {
                keys.add(new StoredSigningKey(rows.getString(1), rows.getString(2), KeyState.ofCode(rows.getString(3)),
                        rows.getString(4), instant(rows, 5), instant(rows, 6), instant(rows, 7), instant(rows, 8)));
            }
            return keys;
        } catch (SQLException e) {
            throw failure("read the signing keys", e);
        }
    }

    public Optional<StoredSigningKey> find(String kid) {
        return findAll().stream().filter(key -> key.kid().equals(kid)).findFirst();
    }

    /** Inserts a key in state next or active (the first development key is inserted active). */
    public void insert(StoredSigningKey key) throws ActiveKeyConflictException {
        try (Connection connection = connections.open();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO signing_key (" + COLUMNS
                     + ", active_slot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, key.kid());
            insert.setString(2, key.algorithm());
            insert.setString(3, key.state().code());
            insert.setString(4, key.sealedPrivateJwk());
            setInstant(insert, 5, key.createdAt());
            setInstant(insert, 6, key.activatedAt());
            setInstant(insert, 7, key.retiredAt());
            setInstant(insert, 8, key.revokedAt());
            if (key.state() == KeyState.ACTIVE) {
                insert.setInt(9, 1);
            } else {
                insert.setNull(9, Types.INTEGER);
            }
            insert.executeUpdate();
        } catch (SQLException e) {
            if (isUniqueViolation(e) && key.state() == KeyState.ACTIVE) {
                throw new ActiveKeyConflictException();
            }
            throw failure("store a signing key", e);
        }
    }

    /**
     * In one transaction: the active key (if any) becomes retired, then the given next key
     * becomes active.
     *
     * @return false when the key was not in state next any more (nothing changed)
     */
    public boolean promote(String kid, Instant now) throws ActiveKeyConflictException {
        try (Connection connection = connections.open()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement retire = connection.prepareStatement(
                         "UPDATE signing_key SET state = ?, active_slot = NULL, retired_at = ? WHERE state = ?");
                 PreparedStatement activate = connection.prepareStatement(
                         "UPDATE signing_key SET state = ?, active_slot = ?, activated_at = ? WHERE kid = ? AND state = ?")) {
                // Retire first: the unique active slot must be free before the next key takes it.
                retire.setString(1, KeyState.RETIRED.code());
                setInstant(retire, 2, now);
                retire.setString(3, KeyState.ACTIVE.code());
                retire.executeUpdate();
                activate.setString(1, KeyState.ACTIVE.code());
                activate.setInt(2, 1);
                setInstant(activate, 3, now);
                activate.setString(4, kid);
                activate.setString(5, KeyState.NEXT.code());
                if (activate.executeUpdate() != 1) {
                    connection.rollback();
                    return false;
                }
                connection.commit();
                return true;
            } catch (SQLException e) {
                connection.rollback();
                if (isUniqueViolation(e)) {
                    throw new ActiveKeyConflictException();
                }
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("promote a signing key", e);
        }
    }

    /**
     * Moves a key to retired or revoked, if it is still in the expected state.
     *
     * @return false when the key was not in state {@code from} (nothing changed)
     */
    public boolean transition(String kid, KeyState from, KeyState to, Instant now) {
        String timestampColumn = switch (to) {
            case RETIRED -> "retired_at";
            case REVOKED -> "revoked_at";
            default -> throw new IllegalArgumentException("Only retirement and revocation are transitions");
        };
        try (Connection connection = connections.open();
             PreparedStatement update = connection.prepareStatement("UPDATE signing_key SET state = ?, active_slot = NULL, "
                     + timestampColumn + " = ? WHERE kid = ? AND state = ?")) {
            update.setString(1, to.code());
            setInstant(update, 2, now);
            update.setString(3, kid);
            update.setString(4, from.code());
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("change the state of a signing key", e);
        }
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, instant.toEpochMilli());
        }
    }

    /** SQLState class 23 is an integrity constraint violation on every database we support. */
    private static boolean isUniqueViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    /** The driver's message may quote values of the statement (a sealed key): keep only the SQLState. */
    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Could not " + what + " (SQLState " + e.getSQLState() + ")");
    }
}
