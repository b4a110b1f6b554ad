package dev.latchkey.edge;

import dev.latchkey.testsupport.client.ServerUnderTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link HttpEdgeChecks} on Payara Server (mvn verify -Ppayara-server), where the production WAR is
 * deployed with asadmin on a domain configured by server-config/payara-server. Not an Arquillian
 * test: the server is the build's, at latchkey.it.base-url, and its log is the domain's own
 * server.log, at latchkey.it.server-log.
 */
class PayaraServerEdgeIT implements HttpEdgeChecks {

    private final URL base;
    private final Path log = Path.of(System.getProperty("latchkey.it.server-log", "server.log"));
    private final LogMark logMark = new LogMark();

    PayaraServerEdgeIT() throws MalformedURLException {
        base = URI.create(System.getProperty("latchkey.it.base-url", "http://127.0.0.1:8080/")).toURL();
    }

    @Override
    public URL edgeBase() {
        return base;
    }

    @Override
    public String serverLog() {
        try {
            // As ISO-8859-1, which reads any byte: the log quotes what clients sent, in any encoding.
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("the domain's server.log at " + log, e);
        }
    }

    @Override
    public ServerUnderTest server() {
        return ServerUnderTest.PAYARA_SERVER;
    }

    @Override
    public LogMark logMark() {
        return logMark;
    }
}
