package dev.latchkey.persistence;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data source is the server's, configured by scripts the Java code never reads: Payara's
 * pre-boot commands and WildFly's CLI script. Both must read the same keys with the same defaults
 * as {@link DatasourceSettings}, which Latchkey's own code uses (the embedded database's hardening
 * looks at the URL the server will open), and both must bind it where persistence.xml and the
 * resource reference find it.
 */
class ServerDataSourceDefinitionsTest {

    private static final DatasourceSettings DEFAULTS = DatasourceSettings.defaults();

    private static String read(String path) throws IOException {
        return Files.readString(Path.of(path));
    }

    private static String group(String text, String regex, String what) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), what);
        return m.group(1);
    }

    private static String payaraDefault(String commands, String key) {
        return group(commands, "\\$\\{MPCONFIG=" + Pattern.quote(key) + ":([^}\\n]*)}", key + " in the pre-boot commands");
    }

    private static String wildflyDefault(String cli, String key, String environmentVariable) {
        return group(cli, "\\$\\{" + Pattern.quote(key) + ",env\\." + environmentVariable + ":([^}]*)}", key + " in latchkey.cli");
    }

    @Test
    void payaraReadsTheSettingsKeysWithTheirDefaultsUnderTheGlobalName() throws IOException {
        String commands = read("server-config/payara/pre-boot-commands.asadmin");
        assertEquals(DEFAULTS.className(), payaraDefault(commands, "latchkey.datasource.class-name"));
        assertEquals(DEFAULTS.url(), payaraDefault(commands, DatasourceSettings.URL));
        assertEquals(DEFAULTS.user(), payaraDefault(commands, "latchkey.datasource.user"));
        assertEquals(DEFAULTS.password(), payaraDefault(commands, "latchkey.datasource.password"));
        // Payara maps an unmapped resource reference to the global name of the same text.
        assertTrue(commands.contains("create-jdbc-resource --connectionpoolid=latchkey-pool " + DatabaseMigration.SERVER_NAME + "\n"),
                commands);
    }

    @Test
    void payaraServerCreatesTheSameDataSourceAsPayaraMicro() throws IOException {
        assertEquals(dataSourceLines(read("server-config/payara/pre-boot-commands.asadmin")),
                dataSourceLines(read("server-config/payara-server/latchkey.asadmin")));
    }

    private static java.util.List<String> dataSourceLines(String commands) {
        java.util.List<String> lines = commands.lines()
                .filter(line -> line.startsWith("create-jdbc-") || line.startsWith("set resources.jdbc-connection-pool."))
                .toList();
        assertEquals(5, lines.size(), commands);
        return lines;
    }

    @Test
    void wildflyReadsTheSettingsKeysWithTheirDefaultsAndThePasswordOnlyFromTheEnvironment() throws IOException {
        String cli = read("server-config/wildfly/latchkey.cli");
        assertEquals(DEFAULTS.url(), wildflyDefault(cli, DatasourceSettings.URL, "LATCHKEY_DATASOURCE_URL"));
        assertEquals(DEFAULTS.user(), wildflyDefault(cli, "latchkey.datasource.user", "LATCHKEY_DATASOURCE_USER"));
        assertTrue(cli.contains("--password=\"${env.LATCHKEY_DATASOURCE_PASSWORD}\""),
                "a secret is never a system property written into standalone.xml, and has no default");
        String jndiName = group(cli, "--jndi-name=(\\S+)", "the data source's JNDI name");
        // WildFly reads persistence.xml's jdbc/latchkey as java:/jdbc/latchkey.
        assertEquals("java:/" + DatabaseMigration.SERVER_NAME, jndiName);
        String jbossWeb = read("src/main/webapp/WEB-INF/jboss-web.xml");
        assertTrue(jbossWeb.contains("<res-ref-name>" + DatabaseMigration.SERVER_NAME + "</res-ref-name>"), jbossWeb);
        assertTrue(jbossWeb.contains("<jndi-name>" + jndiName + "</jndi-name>"), jbossWeb);
    }

    @Test
    void thePersistenceUnitAndTheCodeNameTheSameDataSource() throws IOException {
        String persistence = read("src/main/resources/META-INF/persistence.xml");
        assertEquals(DatabaseMigration.SERVER_NAME,
                group(persistence, "<jta-data-source>([^<]+)</jta-data-source>", "jta-data-source"));
        String webXml = read("src/main/webapp/WEB-INF/web.xml");
        assertTrue(webXml.contains("<res-ref-name>" + DatabaseMigration.SERVER_NAME + "</res-ref-name>"), webXml);
        assertEquals("java:comp/env/" + DatabaseMigration.SERVER_NAME, DatabaseMigration.DATA_SOURCE);
    }
}
