package dev.latchkey.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderSyntaxTest {

    @Test
    void aValueIsVisibleAsciiSpacesAndTabsOnly() {
        assertTrue(HeaderSyntax.isCleanValue("Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig"));
        assertTrue(HeaderSyntax.isCleanValue("text/html,\tapplication/json; q=0.9"));
        assertTrue(HeaderSyntax.isCleanValue(""));
        assertTrue(HeaderSyntax.isCleanValue("~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}"));
        for (char c : new char[] {0, 1, '\n', '\r', 0x1F, 0x7F, 0x80, 0xE9, 0xFF, '\u20AC'}) {
            assertFalse(HeaderSyntax.isCleanValue("a" + c + "b"), "char " + (int) c);
        }
    }

    @Test
    void http11NeedsExactlyOneHostThatIsNotEmpty() {
        assertTrue(HeaderSyntax.hasValidHost("HTTP/1.1", List.of("latchkey.example")));
        assertTrue(HeaderSyntax.hasValidHost("HTTP/1.0", List.of()));
        assertTrue(HeaderSyntax.hasValidHost("HTTP/2.0", List.of()));
        assertFalse(HeaderSyntax.hasValidHost("HTTP/1.1", List.of()));
        assertFalse(HeaderSyntax.hasValidHost("HTTP/1.1", List.of("")));
        assertFalse(HeaderSyntax.hasValidHost("HTTP/1.0", List.of(" ")));
        assertFalse(HeaderSyntax.hasValidHost("HTTP/1.1", List.of("a", "b")));
    }

    @Test
    void onlyChunkedAloneIsATransferCodingLatchkeyReads() {
        assertTrue(HeaderSyntax.isSupportedTransferEncoding(List.of()));
        assertTrue(HeaderSyntax.isSupportedTransferEncoding(List.of("chunked")));
        assertTrue(HeaderSyntax.isSupportedTransferEncoding(List.of(" Chunked ")));
        assertFalse(HeaderSyntax.isSupportedTransferEncoding(List.of("gzip, chunked")));
        assertFalse(HeaderSyntax.isSupportedTransferEncoding(List.of("chunked, gzip")));
        assertFalse(HeaderSyntax.isSupportedTransferEncoding(List.of("gzip, chunked, foo")));
        assertFalse(HeaderSyntax.isSupportedTransferEncoding(List.of("chunked", "chunked")));
        assertFalse(HeaderSyntax.isSupportedTransferEncoding(List.of("identity")));
    }

    @Test
    void aContentTypeIsATypeASubtypeAndParameters() {
        for (String good : List.of("application/json", "application/json; charset=UTF-8", "application/json;charset=utf-8",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=\"a b;c\"", "text/plain;", "a/b")) {
            assertTrue(HeaderSyntax.isMediaType(good), good);
        }
        for (String bad : List.of("", "a/b/c", ";;;", "application", "application/", "/json", "application/json; charset",
                "application/json; =x", "application json", "application/json; a=\"unterminated", "*/*;q=x;;x")) {
            assertFalse(HeaderSyntax.isMediaType(bad), bad);
        }
    }

    @Test
    void anAcceptIsAListOfMediaRangesWithWeightsFromZeroToOne() {
        for (String good : List.of("", "*/*", "application/json", "application/problem+json, application/json;q=0.9",
                "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                        + "application/signed-exchange;v=b3;q=0.7",
                "text/*; q=0", "*/*;q=1.000", "*/*; Q=0.001", "a/b ,, c/d")) {
            assertTrue(HeaderSyntax.isAccept(good), good);
        }
        for (String bad : List.of("*/*;q=x", "*/*;q=1.5", "*/*;q=0.1234", "*/*;q=", "*/*;q=-1", "text", "a/b/c", ";;;",
                "text/html;q=\"0.5\"", "a".repeat(3000))) {
            assertFalse(HeaderSyntax.isAccept(bad), bad);
        }
    }

    @Test
    void theTargetsEscapesDecodeToUtf8() {
        for (String good : List.of("/api/me", "/auth/sessions/7b1a4322", "/a%20b", "/caf%C3%A9", "/%F0%9F%94%91", "q=a%2Bb&x=1")) {
            assertTrue(HeaderSyntax.hasUtf8Escapes(good), good);
        }
        assertTrue(HeaderSyntax.hasUtf8Escapes(null), "no query");
        for (String bad : List.of("/api/%C3%28", "/%FF", "/%C3", "/%E2%82", "/%ED%A0%80", "/api/me%zz", "/api/me%", "/a%2", "q=%C0%AF")) {
            assertFalse(HeaderSyntax.hasUtf8Escapes(bad), bad);
        }
    }
}
