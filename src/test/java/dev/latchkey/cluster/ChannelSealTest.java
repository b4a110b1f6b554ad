package dev.latchkey.cluster;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.stack.Protocol;
import org.jgroups.util.NameCache;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seal and unseal of single messages, between two seals wired back to back without a transport. */
class ChannelSealTest {

    private static final byte[] KEY = ClusterKeys.from("the right cluster secret, 32 byt".getBytes()).sealKey();
    private static final byte[] OTHER_KEY = ClusterKeys.from("a wrong cluster secret, 32 bytes".getBytes()).sealKey();
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final byte[] PAYLOAD = "revoke jti:abc".getBytes(StandardCharsets.UTF_8);

    /** The protocol below or above a seal: keeps what it is given. */
    private static final class Capture extends Protocol {
        final List<Message> messages = new ArrayList<>();

        @Override
        public Object down(Message msg) {
            messages.add(msg);
            return null;
        }

        @Override
        public Object up(Message msg) {
            messages.add(msg);
            return null;
        }
    }

    private static ChannelSeal seal(byte[] key, String cluster, Clock clock, ClockOffsets offsets, Capture neighbour) {
        return seal(key, cluster, clock, offsets, neighbour,
                new ViewConfirmation(System::nanoTime, clock::millis, Duration.ofSeconds(5), ViewConfirmationTest.settledCaches()));
    }

    private static ChannelSeal seal(byte[] key, String cluster, Clock clock, ClockOffsets offsets, Capture neighbour,
                                    ViewConfirmation viewConfirmation) {
        ChannelSeal seal = new ChannelSeal(key, cluster, clock, offsets, Duration.ofSeconds(5), viewConfirmation);
        seal.setDownProtocol(neighbour);
        seal.setUpProtocol(neighbour);
        return seal;
    }

    private static Message sealedBy(byte[] key, String cluster, Clock clock, Address from) {
        return sealedBy(key, cluster, clock, from, null);
    }

    private static Message sealedBy(byte[] key, String cluster, Clock clock, Address from, Address to) {
        Capture wire = new Capture();
        seal(key, cluster, clock, new ClockOffsets(), wire).down(new BytesMessage(to, PAYLOAD).setSrc(from));
        return wire.messages.get(0);
    }

    @Test
    void aMemberIsTheSameMemberBeforeAndAfterThisNodeLearnsItsName() {
        UUID member = UUID.randomUUID();
        String before = ChannelSeal.memberId(member);
        NameCache.add(member, "vm-" + member.hashCode());
        try {
            assertNotEquals(before, member.toString(), "toString prints the logical name once it is known");
            assertEquals(before, ChannelSeal.memberId(member));
        } finally {
            NameCache.remove(member);
        }
    }

    @Test
    void aMemberCastingToItsViewAfterAPauseConfirmsItAUnicastDoesNot() {
        Address peer = UUID.randomUUID();
        Address self = UUID.randomUUID();
        long[] nanos = {0};
        ViewConfirmation confirmation = new ViewConfirmation(() -> nanos[0], NOW::toEpochMilli, Duration.ofSeconds(5),
                ViewConfirmationTest.settledCaches());
        confirmation.viewInstalled(self.toString(), List.of(self.toString(), peer.toString()));
        nanos[0] += Duration.ofSeconds(20).toNanos();
        assertFalse(confirmation.isConfirmed());
        // Running for the clock margin after the pause: only what is sent after that counts.
        for (int tick = 0; tick < 10; tick++) {
            nanos[0] += Duration.ofMillis(500).toNanos();
            confirmation.running();
        }

        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ChannelSeal receiver = seal(KEY, "latchkey", clock, new ClockOffsets(), new Capture(), confirmation);
        receiver.up(sealedBy(KEY, "latchkey", clock, peer, self));
        assertFalse(confirmation.isConfirmed(), "a unicast (a merge probe reaches excluded nodes too) is no proof");
        receiver.up(sealedBy(KEY, "latchkey", clock, peer, null));
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void theWireCarriesNeitherThePayloadNorAnythingThatOpensWithoutTheKey() {
        Address sender = UUID.randomUUID();
        Message onTheWire = sealedBy(KEY, "latchkey", Clock.fixed(NOW, ZoneOffset.UTC), sender);
        assertFalse(new String(onTheWire.getArray(), StandardCharsets.ISO_8859_1).contains("revoke jti"));

        Capture delivered = new Capture();
        ClockOffsets offsets = new ClockOffsets();
        seal(KEY, "latchkey", Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC), offsets, delivered).up(onTheWire);
        assertEquals(1, delivered.messages.size());
        assertTrue(Arrays.equals(PAYLOAD, delivered.messages.get(0).getArray()));
        assertEquals(sender, delivered.messages.get(0).getSrc());
        ClockOffsets.Status status = offsets.evaluate(System.nanoTime(), Duration.ofSeconds(5));
        assertEquals(-60_000, status.largestOffsetMillis(), "the sender's clock travelled with the message");
    }

    @Test
    void anotherKeyAnotherClusterOrOneFlippedBitAndTheMessageIsDropped() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        List<Message> forged = new ArrayList<>();
        forged.add(sealedBy(OTHER_KEY, "latchkey", clock, UUID.randomUUID()));
        forged.add(sealedBy(KEY, "another-cluster", clock, UUID.randomUUID()));
        Message flipped = sealedBy(KEY, "latchkey", clock, UUID.randomUUID());
        flipped.getArray()[flipped.getOffset() + flipped.getLength() - 20] ^= 1;
        forged.add(flipped);
        forged.add(new BytesMessage(null, PAYLOAD).setSrc(UUID.randomUUID()));

        Capture delivered = new Capture();
        ChannelSeal receiver = seal(KEY, "latchkey", clock, new ClockOffsets(), delivered);
        forged.forEach(receiver::up);
        assertEquals(List.of(), delivered.messages);
        assertEquals(forged.size(), receiver.droppedMessages());
    }
}
