package dev.latchkey.http;

import jakarta.servlet.http.HttpServletRequest;

/** Who is on the other end of a request, as far as a session record and an audit line need to know. */
public record ClientInfo(String ip, String userAgent) {

    static final int MAX_USER_AGENT = 512;

    public static ClientInfo of(HttpServletRequest request) {
        return new ClientInfo(request.getRemoteAddr(), sanitize(request.getHeader("User-Agent")));
    }

    /** The user agent is attacker-chosen: bounded, and stripped of control characters (log injection). */
    private static String sanitize(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        String printable = userAgent.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > MAX_USER_AGENT ? printable.substring(0, MAX_USER_AGENT) : printable;
    }
}
