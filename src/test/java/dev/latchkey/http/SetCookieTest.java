package dev.latchkey.http;

import dev.latchkey.testsupport.StubRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cookie presented twice is refused whatever the container's cookie parser kept: duplicates are
 * counted in the {@code Cookie} headers themselves.
 */
class SetCookieTest {

    private static final String NAME = "__Host-latchkey-refresh";

    @Test
    void aDuplicateTheContainerCollapsedIsStillSeen() {
        // Undertow's getCookies() keeps one cookie of each name; the header still has both.
        HttpServletRequest request = StubRequest.of("POST", "/auth/refresh")
                .cookie(NAME, "genuine")
                .header("Cookie", NAME + "=planted")
                .build();
        assertTrue(SetCookie.presentedMoreThanOnce(request, NAME));
        assertEquals(Optional.empty(), SetCookie.read(request, NAME));
    }

    @Test
    void duplicatesInOneHeaderLineAreCounted() {
        HttpServletRequest request = StubRequest.of("POST", "/auth/refresh")
                .header("Cookie", "a=1; " + NAME + "=x;" + NAME + "=y ; b=2")
                .build();
        assertEquals(2, SetCookie.timesPresented(request, NAME));
    }

    @Test
    void aCookieWhoseNameMerelyStartsTheSameIsAnotherCookie() {
        HttpServletRequest request = StubRequest.of("POST", "/auth/refresh")
                .cookie(NAME, "genuine")
                .header("Cookie", NAME + "-old=x; x" + NAME + "=y")
                .build();
        assertFalse(SetCookie.presentedMoreThanOnce(request, NAME));
        assertEquals(Optional.of("genuine"), SetCookie.read(request, NAME));
    }

    @Test
    void noCookieAtAllIsNeitherDuplicatedNorPresent() {
        HttpServletRequest request = StubRequest.of("POST", "/auth/refresh").build();
        assertEquals(0, SetCookie.timesPresented(request, NAME));
        assertEquals(Optional.empty(), SetCookie.read(request, NAME));
    }
}
