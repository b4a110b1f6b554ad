package dev.latchkey.testsupport.client;

import java.util.regex.Pattern;

/**
 * Which server the integration tests run against, for the few answers that are the server's own
 * (a request its HTTP parser refuses before Latchkey exists for it). Everything Latchkey answers
 * itself is asserted alike on every server.
 */
public enum ServerUnderTest {
    PAYARA_MICRO,
    PAYARA_SERVER,
    WILDFLY;

    /** The server of an Arquillian test: Payara Micro, or WildFly under -Pwildfly. */
    public static ServerUnderTest current() {
        return "wildfly".equals(System.getProperty("arquillian.launch")) ? WILDFLY : PAYARA_MICRO;
    }

    /** WildFly's own server.log: date, time, level. */
    private static final Pattern WILDFLY_ERROR_RECORD = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3} (ERROR|FATAL) ");

    /**
     * A line of a server log at the level of an error: in the log the test deployment captures
     * (CapturedLog), JUL's SEVERE and JBoss Logging's ERROR and FATAL; in Payara's own logs (its
     * ODL format), a record marked [SEVERE]; in WildFly's own server.log, ERROR and FATAL.
     */
    public static boolean isErrorLine(String line) {
        return line.startsWith("SEVERE ") || line.startsWith("ERROR ") || line.startsWith("FATAL ")
                || line.contains("] [SEVERE] [") || WILDFLY_ERROR_RECORD.matcher(line).lookingAt();
    }
}
