package dev.latchkey.account;

import dev.latchkey.http.ClientInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SignInDeviceTest {

    private static final String ACCOUNT = "6f1c2b9e-0d41-4c55-9b8e-6f3b7c1d2e4a";
    private static final String CHROME_120_WINDOWS =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    private static final String CHROME_131_WINDOWS =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
    private static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

    @Test
    void describesTheBrowserAndSystemFamiliesWithoutVersions() {
        assertEquals("Chrome on Windows", SignInDevice.describe(CHROME_120_WINDOWS));
        assertEquals("Firefox on Linux", SignInDevice.describe(FIREFOX_LINUX));
        assertEquals("Mobile Safari on iOS", SignInDevice.describe(SAFARI_IPHONE));
        assertEquals("curl", SignInDevice.describe("curl/8.4.0"));
    }

    @Test
    void anAbsentOrUnrecognisedAgentIsOneUnknownDevice() {
        assertEquals(SignInDevice.UNKNOWN, SignInDevice.describe(null));
        assertEquals(SignInDevice.UNKNOWN, SignInDevice.describe(" "));
        assertEquals(SignInDevice.UNKNOWN, SignInDevice.describe("Java-http-client/17.0.15"));
    }

    /** The family can be copied from the header: a notice must not carry a name the client wrote with a link in it. */
    @Test
    void aFamilyThatIsNotAPlainNameIsNotRepeated() {
        String described = SignInDevice.describe("Mozilla/5.0 (compatible; evil.example/2.1; +https://evil.example/reset-now)");
        assertEquals(-1, described.indexOf("evil.example"), described);
        assertEquals(-1, described.indexOf("://"), described);
    }

    @Test
    void theNetworkIsTheIpv4Slash24OrTheIpv6Slash64() {
        assertEquals("203.0.113.0/24", device("203.0.113.77", FIREFOX_LINUX).network());
        assertEquals("2001:db8:1:2:0:0:0:0/64", device("2001:db8:1:2:aaaa:bbbb:cccc:dddd", FIREFOX_LINUX).network());
        assertEquals("2001:db8:1:2:0:0:0:0/64", device("2001:db8:1:2::1", FIREFOX_LINUX).network());
        assertEquals("192.0.2.0/24", device("::ffff:192.0.2.1", FIREFOX_LINUX).network(), "an IPv4-mapped address is its IPv4 address");
    }

    @Test
    void aBrowserUpdateOrANeighbouringAddressIsTheSameDevice() {
        assertEquals(device("203.0.113.5", CHROME_120_WINDOWS).keyFor(ACCOUNT), device("203.0.113.250", CHROME_131_WINDOWS).keyFor(ACCOUNT));
        assertEquals(device("2001:db8::1", FIREFOX_LINUX).keyFor(ACCOUNT), device("2001:db8::ffff:1", FIREFOX_LINUX).keyFor(ACCOUNT));
    }

    @Test
    void anotherBrowserAnotherNetworkOrAnotherAccountIsAnotherKey() {
        String key = device("203.0.113.5", CHROME_120_WINDOWS).keyFor(ACCOUNT);
        assertNotEquals(key, device("203.0.113.5", FIREFOX_LINUX).keyFor(ACCOUNT));
        assertNotEquals(key, device("203.0.114.5", CHROME_120_WINDOWS).keyFor(ACCOUNT));
        assertNotEquals(key, device("2001:db8:0:1::5", CHROME_120_WINDOWS).keyFor(ACCOUNT));
        assertNotEquals(key, device("203.0.113.5", CHROME_120_WINDOWS).keyFor("another-account"));
        assertEquals(43, key.length(), "a SHA-256 in base64url");
    }

    private static SignInDevice device(String ip, String userAgent) {
        return SignInDevice.of(new ClientInfo(ip, userAgent));
    }
}
