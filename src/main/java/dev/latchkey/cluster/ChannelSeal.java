package dev.latchkey.cluster;

import dev.latchkey.crypto.AesGcm;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ByteArray;
import org.jgroups.util.FastArray;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The JGroups protocol that authenticates and encrypts the cluster channel: directly above the
 * transport, it serialises every message whole (headers, addresses and payload, as JGroups'
 * {@code SERIALIZE} does) and seals it with AES-256-GCM under a key derived from the cluster
 * secret; on the way up it drops every message that does not open. So discovery, joins, views,
 * failure-detection heartbeats and cache commands all travel sealed, and a host without the secret
 * can neither read them nor forge, alter or inject one: it cannot join, and cannot change any entry.
 *
 * <p>Why not JGroups' own {@code SYM_ENCRYPT}: in JGroups 5.5 it encrypts only the payload (headers,
 * which carry joins and views, stay in clear unless {@code SERIALIZE} is stacked above it), its
 * default cipher is {@code "AES"}, which the JDK resolves to ECB without any integrity check, and it
 * cannot use GCM at all (it initialises ciphers with an {@code IvParameterSpec}, which GCM
 * refuses). Encryption without integrity lets a man in the middle flip bits of cache commands. This
 * protocol is the one message transformation; the cryptography is {@link AesGcm} (JCA).
 *
 * <p>Each sealed message also carries the sender's clock, which feeds {@link ClockOffsets}: the
 * clock check rides on traffic every member sends anyway (FD_ALL3 heartbeats every two seconds).
 * The members' multicasts (heartbeats among them), and the views passing down, feed
 * {@link ViewConfirmation}, whose tick runs on the channel's timer while the channel runs.
 */
public final class ChannelSeal extends Protocol {

    private static final Logger LOG = Logger.getLogger(ChannelSeal.class.getName());
    private static final byte VERSION = 1;
    private static final int CLOCK_BYTES = Long.BYTES;
    private static final long TICK_MILLIS = 500;

    private final AesGcm cipher;
    private final byte[] associatedData;
    private final Clock clock;
    private final ClockOffsets offsets;
    private final Duration maxClockOffset;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean outOfSync = new AtomicBoolean();
    private final ViewConfirmation viewConfirmation;
    private Future<?> tick;

    ChannelSeal(byte[] sealKey, String clusterName, Clock clock, ClockOffsets offsets, Duration maxClockOffset,
                ViewConfirmation viewConfirmation) {
        this.cipher = AesGcm.withKey(sealKey);
        // Bound to the cluster name: a message of another cluster sharing the secret does not open here.
        this.associatedData = ("latchkey/cluster/message/v1|" + clusterName).getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.offsets = offsets;
        this.maxClockOffset = maxClockOffset;
        this.viewConfirmation = viewConfirmation;
    }

    @Override
    public void start() throws Exception {
        super.start();
        viewConfirmation.startWatching();
        tick = getTransport().getTimer().scheduleWithFixedDelay(viewConfirmation::running, TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS, false);
    }

    @Override
    public void stop() {
        if (tick != null) {
            tick.cancel(false);
        }
        super.stop();
    }

    @Override
    public Object down(Message msg) {
        if (msg.getSrc() == null) {
            msg.setSrc(local_addr);
        }
        ByteArray serialized;
        try {
            serialized = Util.messageToBuffer(msg);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot serialise a cluster message", e);
        }
        byte[] plaintext = ByteBuffer.allocate(CLOCK_BYTES + serialized.length())
                .putLong(clock.millis())
                .put(serialized.array(), serialized.offset(), serialized.length())
                .array();
        byte[] sealed = cipher.seal(plaintext, associatedData);
        byte[] envelope = ByteBuffer.allocate(1 + sealed.length).put(VERSION).put(sealed).array();
        Message outer = new BytesMessage(msg.dest(), envelope).setFlag(msg.getFlags(), false);
        if (msg.isFlagSet(Message.TransientFlag.DONT_LOOPBACK)) {
            outer.setFlag(Message.TransientFlag.DONT_LOOPBACK);
        }
        return down_prot.down(outer);
    }

    @Override
    public Object up(Message msg) {
        Message inner = open(msg, msg.src());
        return inner == null ? null : up_prot.up(inner);
    }

    @Override
    public void up(MessageBatch batch) {
        FastArray<Message>.FastIterator it = (FastArray<Message>.FastIterator) batch.iterator();
        while (it.hasNext()) {
            Message msg = it.next();
            Message inner = open(msg, batch.sender());
            if (inner == null) {
                it.remove();
            } else {
                it.replace(inner);
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            View view = evt.getArg();
            offsets.retainOnly(view.getMembers().stream().map(ChannelSeal::memberId).collect(Collectors.toSet()));
            viewConfirmation.viewInstalled(memberId(local_addr), view.getMembers().stream().map(ChannelSeal::memberId).toList());
        }
        return down_prot.down(evt);
    }

    /** @return the message that was sealed, or null (dropped) when it does not open with this cluster's key */
    private Message open(Message outer, Address sender) {
        Optional<byte[]> plaintext = Optional.empty();
        if (outer.getLength() > 1 && outer.getArray()[outer.getOffset()] == VERSION) {
            byte[] sealed = new byte[outer.getLength() - 1];
            System.arraycopy(outer.getArray(), outer.getOffset() + 1, sealed, 0, sealed.length);
            plaintext = cipher.open(sealed, associatedData);
        }
        if (plaintext.isEmpty() || plaintext.get().length < CLOCK_BYTES) {
            refused(sender);
            return null;
        }
        byte[] bytes = plaintext.get();
        long sentAt = ByteBuffer.wrap(bytes).getLong();
        Message inner;
        try {
            inner = Util.messageFromBuffer(bytes, CLOCK_BYTES, bytes.length - CLOCK_BYTES);
        } catch (Exception e) {
            // Sealed by a holder of the secret, yet unreadable: a version mismatch, not an attack.
            LOG.log(Level.WARNING, "Dropped a sealed cluster message from " + sender + " that does not parse", e);
            return null;
        }
        boolean multicast = inner.getDest() == null;
        if (multicast) {
            inner.setDest(outer.getDest());
        }
        if (inner.getSrc() == null) {
            inner.setSrc(sender);
        }
        clockSample(inner.getSrc(), sentAt);
        // Over TCP a multicast goes to the members of the sender's view only (CacheContainer refuses
        // a transport with IP multicast), so one is the sender's word that it counts this node in.
        if (multicast && inner.getSrc() != null && !inner.getSrc().equals(local_addr)) {
            viewConfirmation.multicastFrom(memberId(inner.getSrc()), sentAt);
        }
        return inner;
    }

    /**
     * A member as {@link ViewConfirmation} tells members apart. Not {@code toString}: a JGroups UUID
     * prints its logical name once this node has learnt it and the bare UUID before, so a member
     * named in a view installed early was never matched to its own later multicasts (a healthy
     * member of {@code ClusterHardeningIT} doubted its view for that).
     */
    static String memberId(Address address) {
        return address instanceof UUID uuid ? uuid.toStringLong() : String.valueOf(address);
    }

    private void clockSample(Address peer, long sentAt) {
        if (peer == null || peer.equals(local_addr)) {
            return;
        }
        long now = System.nanoTime();
        offsets.record(memberId(peer), sentAt - clock.millis(), now);
        ClockOffsets.Status status = offsets.evaluate(now, maxClockOffset);
        if (outOfSync.compareAndSet(!status.outOfSync(), status.outOfSync())) {
            if (status.outOfSync()) {
                LOG.warning(() -> "This node's clock is more than " + maxClockOffset.toSeconds() + " s off the clocks of "
                        + status.peersOutOfStep() + " of " + status.peersHeard() + " cluster members (largest offset "
                        + status.largestOffsetMillis() + " ms): /health/ready reports DOWN until the clocks agree."
                        + " Synchronise every member's clock (NTP); see docs/cluster.md");
            } else {
                LOG.info("This node's clock agrees with the cluster's again");
            }
        }
    }

    private void refused(Address sender) {
        long count = dropped.incrementAndGet();
        // Every power of two: the first drops are visible at once, a flood cannot flood the log.
        if (Long.bitCount(count) == 1) {
            LOG.warning(() -> "Dropped " + count + " cluster message(s) so far that were not sealed with this cluster's"
                    + " secret (latest claims to come from " + sender + "): a node with another latchkey.cluster.secret,"
                    + " or a stranger, is trying to talk to this cluster");
        }
    }

    long droppedMessages() {
        return dropped.get();
    }
}
