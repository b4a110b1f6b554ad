package dev.latchkey.http;

import jakarta.servlet.http.HttpServletRequest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request-head rules (request line and headers) that Latchkey checks itself, because not every server's HTTP parser does:
 * Payara's Grizzly refuses all of these before Latchkey sees the request, WildFly's Undertow lets
 * them through (issue 21). One rule set on every server, answered with a problem.
 */
public final class HeaderSyntax {

    /** The verdict on a request, kept on it: protected requests meet the mechanism and then the filter. */
    private static final String VERDICT = HeaderSyntax.class.getName() + ".wellFormed";

    private HeaderSyntax() {
    }

    /**
     * Whether the request's head keeps every rule below. Judged once a request: the authentication
     * mechanism asks first on a protected resource, and RequestLimitFilter asks again after it.
     */
    public static boolean isWellFormed(HttpServletRequest request) {
        if (request.getAttribute(VERDICT) instanceof Boolean verdict) {
            return verdict;
        }
        boolean verdict = judge(request);
        request.setAttribute(VERDICT, verdict);
        return verdict;
    }

    private static boolean judge(HttpServletRequest request) {
        if (!hasUtf8Escapes(request.getRequestURI()) || !hasUtf8Escapes(request.getQueryString())) {
            return false;
        }
        if (!hasValidHost(request.getProtocol(), Collections.list(request.getHeaders("Host")))
                || !isSupportedTransferEncoding(Collections.list(request.getHeaders("Transfer-Encoding")))
                || !Collections.list(request.getHeaders("Content-Type")).stream().allMatch(HeaderSyntax::isMediaType)
                || !Collections.list(request.getHeaders("Accept")).stream().allMatch(HeaderSyntax::isAccept)) {
            return false;
        }
        for (String name : Collections.list(request.getHeaderNames())) {
            if (!isCleanValue(name)) {
                return false;
            }
            for (String value : Collections.list(request.getHeaders(name))) {
                if (!isCleanValue(value)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * RFC 9110 section 5.5: a field value is visible ASCII, spaces and horizontal tabs. Control
     * characters are invalid there, and bytes over 0x7E (obs-text) are refused as well: no header
     * Latchkey reads carries them, and a value that decodes differently on two servers, or in a
     * proxy and in Latchkey, is how request smuggling and log injection begin.
     */
    public static boolean isCleanValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c > 0x7E)) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 3986 section 2.1 and RFC 3629: the percent-escapes of the raw request target decode to
     * UTF-8. RESTEasy (WildFly) decodes the path itself and logs a WARNING with a stack trace for
     * each one that does not (found by HttpFuzzIT): anyone could flood the log with {@code /api/%C3%28}.
     * A malformed escape ({@code %zz}) is refused too. {@code null} (no query) is fine.
     */
    public static boolean hasUtf8Escapes(String raw) {
        if (raw == null || raw.indexOf('%') < 0) {
            return true;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (low < 0) {
                return false;
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (CharacterCodingException notUtf8) {
            return false;
        }
    }

    /**
     * RFC 9110 section 8.3.1: {@code type/subtype}, then parameters. JAX-RS parses this header
     * itself, and RESTEasy (WildFly) logs a WARNING with a stack trace for each one it cannot
     * (found by HttpFuzzIT): anyone could flood the log with {@code Content-Type: a/b/c}.
     */
    public static boolean isMediaType(String value) {
        return MEDIA_TYPE.matcher(value).matches();
    }

    /**
     * RFC 9110 section 12.5.1: a list of media ranges, each with parameters and at most a weight
     * {@code q} of 0 to 1 with up to three decimals. RESTEasy answers a {@code 500} to
     * {@code Accept: *}{@code /*;q=x} (found by HttpFuzzIT), so the header is checked before it
     * reaches JAX-RS. An empty list is allowed.
     */
    public static boolean isAccept(String value) {
        if (!ACCEPT.matcher(value).matches()) {
            return false;
        }
        Matcher weight = WEIGHT.matcher(value);
        while (weight.find()) {
            if (!QVALUE.matcher(weight.group(1)).matches()) {
                return false;
            }
        }
        return true;
    }

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]++";
    private static final String QUOTED = "\"(?:[\\t\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\t\\x20-\\x7E])*+\"";
    private static final String PARAMETERS = "(?:[ \\t]*+;[ \\t]*+(?:" + TOKEN + "=(?:" + TOKEN + "|" + QUOTED + "))?+)*+";
    private static final Pattern MEDIA_TYPE = Pattern.compile(TOKEN + "/" + TOKEN + PARAMETERS);
    private static final String MEDIA_RANGE = "(?:\\*/\\*|" + TOKEN + "/(?:\\*|" + TOKEN + "))" + PARAMETERS;
    private static final Pattern ACCEPT = Pattern.compile(
            "[ \\t]*+(?:" + MEDIA_RANGE + ")?+(?:[ \\t]*+,[ \\t]*+(?:" + MEDIA_RANGE + ")?+)*+[ \\t]*+");
    private static final Pattern WEIGHT = Pattern.compile(";[ \\t]*+[qQ]=([^;,\\s]*)");
    private static final Pattern QVALUE = Pattern.compile("0(?:\\.[0-9]{0,3})?|1(?:\\.0{0,3})?");

    /**
     * RFC 9112 section 3.2: an HTTP/1.1 request has exactly one Host, and Latchkey's URIs all have
     * an authority, so it may not be empty. HTTP/1.0 needs none.
     */
    public static boolean hasValidHost(String protocol, List<String> hosts) {
        if (hosts.isEmpty()) {
            return !"HTTP/1.1".equals(protocol);
        }
        return hosts.size() == 1 && !hosts.get(0).isBlank();
    }

    /**
     * RFC 9112 section 6.1: the only transfer coding Latchkey reads is chunked, and only alone.
     * Anything else is a 400: after "chunked" it makes the length unknowable (the RFC's "MUST
     * respond with 400"), and before it a coding no handler decodes (the RFC's "SHOULD respond
     * with 501", set aside because a 5xx would read as a fault of the server to its monitoring).
     */
    public static boolean isSupportedTransferEncoding(List<String> values) {
        if (values.isEmpty()) {
            return true;
        }
        return values.size() == 1 && "chunked".equals(values.get(0).trim().toLowerCase(Locale.ROOT));
    }
}
