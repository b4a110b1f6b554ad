package dev.latchkey.persistence;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The database ({@code latchkey.datasource.*}). The server's data source itself is configured
 * from the same keys by the server's own configuration ({@code server-config/payara/} and
 * {@code server-config/payara-server/} on Payara, {@code server-config/wildfly/latchkey.cli} on
 * WildFly), with these defaults (ServerDataSourceDefinitionsTest holds them equal);
 * this class is how Latchkey's own code reads them: the embedded database's hardening at boot,
 * and the key tool, which connects without a server.
 */
@ApplicationScoped
public class DatasourceSettings extends Settings {

    public static final String URL = "latchkey.datasource.url";

    static final String DEFAULT_CLASS_NAME = "org.h2.jdbcx.JdbcDataSource";
    static final String DEFAULT_USER = "sa";

    private String className;
    private String url;
    private String user;
    private String password;

    public static DatasourceSettings from(SettingsSource source) {
        return load(new DatasourceSettings(), source);
    }

    public static DatasourceSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        className = source.text("latchkey.datasource.class-name", DEFAULT_CLASS_NAME);
        url = source.text(URL, SchemaMigration.DEFAULT_URL);
        user = source.text("latchkey.datasource.user", DEFAULT_USER);
        // Not text(): an empty password is a real value here, and it is never logged.
        password = source.optional("latchkey.datasource.password").orElse("");
    }

    public String className() {
        return className;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return "DatasourceSettings[url and credentials hidden]";
    }
}
