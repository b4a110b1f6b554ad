package dev.latchkey.interop;

import dev.latchkey.testsupport.client.Eventually;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The consumer app deployed beside Latchkey on the WildFly under test, as an operator deploys a
 * second application (jboss-cli's {@code deploy}), at {@code /consumer}. WildFly sees its
 * {@code @LoginConfig(authMethod = "MP-JWT")} and checks its tokens with the server's own
 * microprofile-jwt-smallrye subsystem, in a security domain of the deployment's own: nothing of
 * Latchkey's configuration (its application security domain, the subsystems its
 * jboss-deployment-structure.xml keeps out) touches it.
 */
final class WildFlyConsumer implements ConsumerServer {

    /**
     * What a MicroProfile JWT application needs on WildFly beyond what it needs on Payara (docs/
     * protecting-your-application.md): RESTEasy enforces {@code @RolesAllowed} only when told to
     * (without it a request with no token reached the method and failed there), and WildFly's
     * MP-JWT mechanism challenges a request without a token only where a constraint demands a
     * signed-in caller (without one, such a request was refused by RESTEasy with a 403, not the
     * 401 of a missing credential).
     */
    static final String WEB_XML = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                <context-param>
                    <param-name>resteasy.role.based.security</param-name>
                    <param-value>true</param-value>
                </context-param>
                <security-constraint>
                    <web-resource-collection>
                        <web-resource-name>everything</web-resource-name>
                        <url-pattern>/*</url-pattern>
                    </web-resource-collection>
                    <auth-constraint>
                        <role-name>**</role-name>
                    </auth-constraint>
                </security-constraint>
            </web-app>
            """;

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(1);
    private static final Path LOG = Path.of("target", "interop", "consumer-deploy.log");

    private final String deployment;
    private final URI base;

    private WildFlyConsumer(String deployment, URI base) {
        this.deployment = deployment;
        this.base = base;
    }

    static WildFlyConsumer deploy(File war, URI latchkey) throws IOException {
        cli("deploy " + war.getAbsolutePath() + " --force");
        String name = war.getName();
        WildFlyConsumer consumer = new WildFlyConsumer(name, latchkey.resolve("/" + name.substring(0, name.length() - ".war".length()) + "/"));
        consumer.awaitReady();
        return consumer;
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newHttpClient();
        Eventually.await("the consumer answers on WildFly; see " + LOG, READY_TIMEOUT,
                () -> ConsumerServer.refusesACallerWithoutAToken(client, base));
    }

    @Override
    public URI base() {
        return base;
    }

    @Override
    public void close() {
        try {
            cli("undeploy " + deployment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One jboss-cli command against the server under test's management interface, or a failure with its output. */
    private static void cli(String command) throws IOException {
        String home = System.getProperty("latchkey.it.wildfly-home");
        String management = System.getProperty("latchkey.it.wildfly-management");
        if (home == null || management == null) {
            throw new IllegalStateException("latchkey.it.wildfly-home and latchkey.it.wildfly-management are set by -Pwildfly");
        }
        Files.createDirectories(LOG.getParent());
        Process cli = new ProcessBuilder(List.of(Path.of(home, "bin", "jboss-cli.sh").toString(),
                "--connect", "--controller=" + management, "--command=" + command))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile())).start();
        try {
            if (!cli.waitFor(2, TimeUnit.MINUTES)) {
                cli.destroyForcibly();
                throw new IllegalStateException("jboss-cli did not finish: " + command + "; see " + LOG);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (cli.exitValue() != 0) {
            throw new IllegalStateException("jboss-cli failed (" + cli.exitValue() + "): " + command + "; see " + LOG);
        }
    }
}
