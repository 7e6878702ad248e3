package io.iperf3j.link.fuzz;

import io.iperf3j.link.LinkConfig;
import io.iperf3j.link.LinkRttResponder;
import io.iperf3j.link.Wire;
import io.iperf3j.link.internal.LinkConnection;
import io.iperf3j.link.internal.RecordedEvents;
import io.iperf3j.link.internal.DatagramCodec;
import io.iperf3j.link.internal.MalformedDatagramException;
import io.iperf3j.link.internal.TypeTable;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The link's fuzz targets, plain static methods so that Jazzer ({@link LinkFuzzTest}) and the
 * seeded run of every build ({@link FuzzSmokeTest}) drive the same code. A decoder may refuse input
 * only with {@link MalformedDatagramException}; anything else is a finding.
 */
final class FuzzTargets {
    private FuzzTargets() {
    }

    record Every(int i, @Wire.U16 int u16, @Wire.U8 int u8, double d, boolean b, @Wire.Fixed(6) String fixed,
                 String var) {
    }

    record Empty() {
    }

    static final TypeTable TYPES = new TypeTable();

    static {
        TYPES.addUser(20, "Every", Every.class);
        TYPES.addUser(255, "Empty", Empty.class);
    }

    private static final LinkRttResponder RESPONDER = new LinkRttResponder();

    /**
     * What {@code iperf3j -s} asks of a datagram from a test's client ({@link LinkRttResponder#isProbeRequest}):
     * never throws, and says yes only to connect requests (7 bytes each).
     */
    static void probeRequest(byte[] data) {
        if (RESPONDER.isProbeRequest(ByteBuffer.wrap(data))) {
            check(data.length >= 7 && data.length % 7 == 0, "a probe request that is not made of connect requests");
        }
    }

    /**
     * The datagram decoder: what it accepts must encode back to exactly the same bytes (every
     * message, header and body), so nothing is read loosely.
     */
    static void datagram(byte[] data) {
        List<DatagramCodec.Message> messages;
        try {
            messages = DatagramCodec.decode(ByteBuffer.wrap(data), TYPES, LinkConfig.MTU);
        } catch (MalformedDatagramException e) {
            return;
        }
        ByteBuffer again = ByteBuffer.allocate(data.length);
        for (DatagramCodec.Message m : messages) {
            byte[] body = TYPES.of(m.body().getClass()).encode(m.body(), LinkConfig.MTU);
            check(again.remaining() >= DatagramCodec.HEADER + body.length, "re-encoding is longer than the input");
            DatagramCodec.put(again, m.messageId(), m.sequence(), m.flags(), body);
        }
        check(!again.hasRemaining() && Arrays.equals(again.array(), data), "re-encoding differs from the input");
    }

    /**
     * A connection fed arbitrary datagrams (the input split at a length byte each): decoded ones go
     * through acks, duplicate filter, ordered channel, pings; the state must stay within its bounds.
     */
    static void connection(byte[] data) {
        long[] now = {1_000_000_000L};
        int[] sent = {0};
        LinkConnection c = new LinkConnection(LinkConfig.defaults(), TYPES, new RecordedEvents(), (d, stamp) -> {
            check(d.remaining() <= LinkConfig.MTU, "datagram above the MTU");
            sent[0]++;
            return stamp ? sent[0] - 1L : LinkConnection.DatagramSender.SENT; // a send key, as a timestamping socket gives
        }, true, now[0]);
        c.stampsSends(true);
        c.establish(now[0]);
        int pos = 0;
        while (pos < data.length) {
            int len = Math.min(data[pos++] & 0xFF, data.length - pos);
            ByteBuffer d = ByteBuffer.wrap(data, pos, len);
            pos += len;
            now[0] += 1_000_000;
            try {
                c.receive(DatagramCodec.decode(d, TYPES, LinkConfig.MTU), len, now[0]);
            } catch (MalformedDatagramException e) {
                c.countMalformed();
            }
            c.tick(now[0]);
            c.flush(now[0]);
            c.sendStamped(sent[0] - 1L, now[0]); // the kernel's send time of the last datagram
            c.flush(now[0]);
        }
        var m = c.metrics();
        check(m.reorderQueue() <= LinkConfig.MAX_QUEUED_LIMIT, "reorder queue unbounded");
        check(m.pendingAcks() >= 0 && m.outBufferBytes() >= 0, "negative counters");
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
