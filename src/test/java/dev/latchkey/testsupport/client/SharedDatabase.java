package dev.latchkey.testsupport.client;

import org.h2.tools.Server;

import java.sql.SQLException;
import java.util.Map;

/**
 * The database the nodes of a test cluster share: this build's integration-test database, and on
 * in-memory H2 (which another process cannot open) one served over TCP by an H2 server the test
 * owns, under a name of the test's own.
 */
public final class SharedDatabase implements AutoCloseable {

    private final Server h2Server;
    private final Map<String, String> settings;

    private SharedDatabase(Server h2Server, Map<String, String> settings) {
        this.h2Server = h2Server;
        this.settings = settings;
    }

    /** @param h2Name the in-memory database's name on the H2 run */
    public static SharedDatabase forCluster(String h2Name) throws SQLException {
        String url = System.getProperty("latchkey.it.datasource.url", "jdbc:h2:mem:latchkey-it");
        Server h2Server = null;
        if (url.startsWith("jdbc:h2:mem:")) {
            h2Server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
            url = "jdbc:h2:tcp://127.0.0.1:" + h2Server.getPort() + "/mem:" + h2Name + ";DB_CLOSE_DELAY=-1";
        }
        return new SharedDatabase(h2Server, Map.of(
                "class-name", System.getProperty("latchkey.it.datasource.class-name", "org.h2.jdbcx.JdbcDataSource"),
                "url", url,
                "user", System.getProperty("latchkey.it.datasource.user", "sa"),
                "password", System.getProperty("latchkey.it.datasource.password", "")));
    }

    /** The JDBC settings for {@link LatchkeyCluster}: class-name, url, user, password. */
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public void close() {
        if (h2Server != null) {
            h2Server.stop();
        }
    }
}
