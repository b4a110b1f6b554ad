package dev.latchkey.testsupport.client;

import org.h2.tools.Server;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database the nodes of a test cluster share: this build's integration-test database, and on
 * in-memory H2 (which another process cannot open) one served over TCP by an H2 server the test
 * owns, under a name of the test's own.
 */
public final class SharedDatabase implements AutoCloseable {

    private static final Pattern HOST_AND_PORT = Pattern.compile("//([^/:]+):(\\d+)/");

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

    /**
     * The same settings with the URL's {@code host:port} replaced by a proxy's in front of it, so
     * that the test can cut the nodes off the database ({@link TcpProxy#cut}).
     */
    public Map<String, String> settingsThrough(TcpProxy proxy) {
        Map<String, String> through = new HashMap<>(settings);
        through.put("url", HOST_AND_PORT.matcher(settings.get("url")).replaceFirst("//127.0.0.1:" + proxy.port() + "/"));
        return Map.copyOf(through);
    }

    /** A proxy in front of the database server these settings name. */
    public TcpProxy proxy() {
        Matcher matcher = HOST_AND_PORT.matcher(settings.get("url"));
        if (!matcher.find()) {
            throw new IllegalStateException("No host:port in the database URL");
        }
        return new TcpProxy(matcher.group(1), Integer.parseInt(matcher.group(2)));
    }

    @Override
    public void close() {
        if (h2Server != null) {
            h2Server.stop();
        }
    }
}
