package dev.latchkey.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.testsupport.FuzzBudget;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forwarding headers from a trusted proxy, and IP literals: any header lines give the peer or an
 * address the lines contain (never something made up), an untrusted peer's lines are ignored,
 * and a parsed literal formats to a literal that parses to the same address.
 */
class TrustedProxiesFuzzTest {

    private static final TrustedProxies X_FORWARDED_FOR = TrustedProxies.of("10.0.0.0/8, ::1", ForwardingHeader.X_FORWARDED_FOR);
    private static final TrustedProxies FORWARDED = TrustedProxies.of("10.0.0.0/8, ::1", ForwardingHeader.FORWARDED);

    @FuzzTest(maxDuration = "60s")
    void forwardingLinesAndLiteralsAreParsedSafely(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            String text = data.consumeRemainingAsString();
            FuzzBudget.timed(() -> IpLiteral.parse(text)).ifPresent(address -> {
                String formatted = IpLiteral.format(address);
                assertArrayEquals(address, IpLiteral.parse(formatted).orElseThrow(), formatted);
            });
            return;
        }
        List<String> lines = new ArrayList<>();
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            lines.add(data.consumeString(500));
        }
        boolean rfc7239 = data.consumeBoolean();
        String peer = data.consumeBoolean() ? "10.1.2.3" : "203.0.113.9";
        TrustedProxies proxies = rfc7239 ? FORWARDED : X_FORWARDED_FOR;
        String client = FuzzBudget.timed(() -> proxies.clientAddress(peer, lines));
        if (peer.equals("203.0.113.9")) {
            assertEquals(peer, client, "an untrusted peer's header was believed");
        } else {
            assertTrue(client.equals(peer) || IpLiteral.parse(client).isPresent(), () -> "not an address: " + client);
        }
    }
}
