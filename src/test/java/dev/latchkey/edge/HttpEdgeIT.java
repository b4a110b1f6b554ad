package dev.latchkey.edge;

import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.ServerUnderTest;

import java.net.URL;

/** {@link HttpEdgeChecks} on the server Arquillian deployed the WAR to, with the log the test deployment captures. */
class HttpEdgeIT extends DeployedLatchkeyTest implements HttpEdgeChecks {

    private final LogMark logMark = new LogMark();

    @Override
    public URL edgeBase() {
        return base;
    }

    @Override
    public String serverLog() {
        return http.get("/test-support/log").body();
    }

    @Override
    public ServerUnderTest server() {
        return ServerUnderTest.current();
    }

    @Override
    public LogMark logMark() {
        return logMark;
    }
}
