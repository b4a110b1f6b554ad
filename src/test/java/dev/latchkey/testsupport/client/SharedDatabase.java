package dev.latchkey.testsupport.client;

import org.h2.tools.Server;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database the nodes of a test cluster share, of the test's own: on in-memory H2 (which
 * another process cannot open) one served over TCP by an H2 server the test owns; on PostgreSQL a
 * schema named after the test, emptied first, beside the one the suite's shared server uses
 * ({@link SharedPayaraMicro}), whose outbox sender would otherwise race the cluster's for its mail.
 */
public final class SharedDatabase implements AutoCloseable {

    private static final Pattern HOST_AND_PORT = Pattern.compile("//([^/:]+):(\\d+)/");
    private static final Pattern CURRENT_SCHEMA = Pattern.compile("currentSchema=[^&]*");

    private final Server h2Server;
    private final Map<String, String> settings;

    private SharedDatabase(Server h2Server, Map<String, String> settings) {
        this.h2Server = h2Server;
        this.settings = settings;
    }

    /** @param name the in-memory database's name on H2; on PostgreSQL, the schema's (dashes as underscores) */
    public static SharedDatabase forCluster(String name) throws SQLException {
        String url = System.getProperty("latchkey.it.datasource.url", "jdbc:h2:mem:latchkey-it");
        String user = System.getProperty("latchkey.it.datasource.user", "sa");
        String password = System.getProperty("latchkey.it.datasource.password", "");
        Server h2Server = null;
        if (url.startsWith("jdbc:h2:mem:")) {
            h2Server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
            url = "jdbc:h2:tcp://127.0.0.1:" + h2Server.getPort() + "/mem:" + name + ";DB_CLOSE_DELAY=-1";
        } else if (url.startsWith("jdbc:postgresql:")) {
            String schema = name.replace('-', '_');
            ResetPostgresSchema.reset(url, user, password, schema);
            url = CURRENT_SCHEMA.matcher(url).replaceFirst("currentSchema=" + schema);
        }
        return new SharedDatabase(h2Server, Map.of(
                "class-name", System.getProperty("latchkey.it.datasource.class-name", "org.h2.jdbcx.JdbcDataSource"),
                "url", url,
                "user", user,
                "password", password));
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
