package io.iperf3j.link.internal;

import io.iperf3j.link.Delivery;
import io.iperf3j.link.LinkConfig;
import io.iperf3j.link.LinkMetrics;
import io.iperf3j.link.SendResult;
import io.iperf3j.link.internal.SystemMessages.ConnectRequest;
import io.iperf3j.link.internal.SystemMessages.ConnectRequestAccepted;
import io.iperf3j.link.internal.SystemMessages.ConnectRequestRejected;
import io.iperf3j.link.internal.SystemMessages.Disconnected;
import io.iperf3j.link.internal.SystemMessages.KeepAliveRequest;
import io.iperf3j.link.internal.SystemMessages.KeepAliveResponse;
import io.iperf3j.link.internal.SystemMessages.MessageAck;
import io.iperf3j.link.internal.SystemMessages.Ping;
import io.iperf3j.link.internal.SystemMessages.Pong;
import io.iperf3j.link.internal.SystemMessages.PongHeld;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One connection's state machine: out-buffer, packing into datagrams, acks and resends, duplicate
 * filter, ordered channel, ping/pong and keep-alive, timeout, counters. It does no I/O of its own:
 * datagrams come in through {@link #receive}, go out through {@link DatagramSender}, and what happens is
 * told to {@link Events}. Not thread-safe: the endpoint calls it under its lock.
 */
public final class LinkConnection {
    /** Where datagrams go. */
    public interface DatagramSender {
        /** {@link #send}: not sent. */
        long NOT_SENT = -2;
        /** {@link #send}: sent, and its send time will not be reported. */
        long SENT = -1;

        /**
         * Sends one datagram (position to limit): {@link #NOT_SENT} (would block, withheld), {@link #SENT},
         * or the key under which the kernel's send time will come ({@link LinkConnection#sendStamped}).
         *
         * @throws java.io.IOException a hard error (one every later send would meet too): the connection
         *         fails with the exception's message, once, and sends nothing more
         */
        long send(ByteBuffer datagram, boolean stamp) throws java.io.IOException;
    }

    /** What the connection tells its endpoint. */
    public interface Events {
        /** The server accepted the connect request (a client's connection only: a server's never hears it). */
        default void accepted() {
        }

        /** The server rejected the connect request (a client's connection only). */
        default void rejected() {
        }

        void message(Record message);

        void disconnected();

        void error(String text);

        /** A ping arrived: may a pong be sent? (the server's per-peer rate limit) */
        default boolean mayAnswerPing(long now) {
            return true;
        }

        /** A ping or keep-alive round trip was measured. */
        default void rtt(long sentNanos, long rttNanos) {
        }

        /** A ping or keep-alive answer gave no sample: the answerer's held time was not below the measured round trip. */
        default void rttDropped(long measuredNanos, long heldNanos) {
        }
    }

    private static final class Outgoing {
        final int id;
        final byte[] bytes;
        final boolean reliable;
        final boolean user;
        long firstSent;
        long lastSent;
        int sends;
        boolean acked;
        /** A Pong or KeepAliveResponse: when its request reached the socket (-1: not an answer). */
        long answersArrival = -1;
        /** A Pong: its id (-1: not a pong). */
        int pongId = -1;
        /** A Ping: its slot (-1: not a ping). */
        int pingSlot = -1;
        boolean keepAliveRequest;

        Outgoing(int id, byte[] bytes, boolean reliable, boolean user) {
            this.id = id;
            this.bytes = bytes;
            this.reliable = reliable;
            this.user = user;
        }
    }

    /** Bit of {@link MessageAck#messageToAck()} set when the copy acked carried {@link DatagramCodec#FLAG_RESENT}. */
    static final int ACKS_RESENT_COPY = 1 << 16;
    private static final int PING_SLOTS = 64;
    private static final long PING_LOST_AFTER = 2_000_000_000L;
    private static final long PROVISIONAL_FOR = 200_000_000L;

    private final LinkConfig config;
    private final TypeTable types;
    private final Events events;
    private final DatagramSender transport;
    private final boolean server;
    private final int maxBody;

    private final ArrayDeque<Outgoing> unreliable = new ArrayDeque<>();
    private final ArrayDeque<Outgoing> fresh = new ArrayDeque<>();
    private final LinkedHashMap<Integer, Outgoing> reliable = new LinkedHashMap<>();
    private int userQueued;
    private long queuedBytes;
    /** Bytes of the reliable messages sent and not yet acked: at most config.maxInFlightBytes() (the send window). */
    private long inFlightBytes;
    private long earliestResend = Long.MAX_VALUE;

    private final ReceiveWindow window = new ReceiveWindow();
    private final OrderedReceiver ordered = new OrderedReceiver(LinkConfig.MAX_QUEUED_LIMIT);
    private final RttEstimator rto = new RttEstimator();
    private final RttRecorder rtt = new RttRecorder();
    private final ByteBuffer out = ByteBuffer.allocate(LinkConfig.MTU);
    // What the datagram being packed holds that needs its send time (at most MTU / 6 messages).
    private final int[] heldAt = new int[LinkConfig.MTU / 6 + 1];
    private final long[] heldSince = new long[LinkConfig.MTU / 6 + 1];
    private final int[] heldPong = new int[LinkConfig.MTU / 6 + 1];
    private int heldCount;
    private final int[] pingsInDatagram = new int[LinkConfig.MTU / 6 + 1];
    private int pingsInDatagramCount;
    private boolean keepAliveInDatagram;

    private int nextReliableId;
    private int nextUnreliableId;
    private int nextSequence = 1;
    private long lastReceive;
    private long nextPing;
    private long nextKeepAlive;
    private int pingId;
    private final int[] pingIds = new int[PING_SLOTS];
    private final long[] pingSent = new long[PING_SLOTS];
    private int keepAliveId;
    private long keepAliveSent = -1;
    private boolean live;
    private boolean closed;
    private boolean answerDue;
    private boolean stampsSends;

    /** A sent datagram whose kernel send time matters: the pongs in it. */
    private record Stamped(long key, int[] pongIds, long[] arrivals) {
    }

    private static final int STAMPED_KEPT = 64;
    private final ArrayDeque<Stamped> stamped = new ArrayDeque<>();
    /** Pongs whose exact held time (PongHeld) is awaited, by ping slot. */
    private final long[] provisionalRtt = new long[PING_SLOTS];
    private final long[] provisionalHeld = new long[PING_SLOTS];
    private final long[] provisionalSent = new long[PING_SLOTS];
    private final long[] provisionalAt = new long[PING_SLOTS];

    private long inBytes;
    private long outBytes;
    private long inPackets;
    private long outPackets;
    private long inMessages;
    private long outMessages;
    private long keepAliveCount;
    private long resends;
    private long duplicates;
    private long pingsSent;
    private long pingsLost;
    private long malformed;

    public LinkConnection(LinkConfig config, TypeTable types, Events events, DatagramSender transport, boolean server, long now) {
        this.config = config;
        this.types = types;
        this.events = events;
        this.transport = transport;
        this.server = server;
        this.maxBody = LinkConfig.MTU - DatagramCodec.HEADER;
        this.lastReceive = now;
        java.util.Arrays.fill(pingSent, -1);
        java.util.Arrays.fill(provisionalAt, -1);
    }

    // ------------------------------------------------------------------ sending

    /** Encodes and queues a user message; throws for a message that can never fit. */
    public SendResult send(Record message, Delivery delivery) {
        RecordCodec codec = types.of(message.getClass());
        if (codec.typeId() < SystemMessages.FIRST_USER_TYPE) {
            throw new IllegalArgumentException("system messages are sent by the link itself");
        }
        byte[] body = codec.encode(message, maxBody);
        if (userQueued >= config.maxQueuedMessages()) {
            return new SendResult.BufferFull(userQueued);
        }
        if (delivery != Delivery.UNRELIABLE && !reliable.isEmpty()) {
            int oldest = reliable.values().iterator().next().id;
            if (((nextReliableId - oldest) & 0xFFFF) >= LinkConfig.MAX_QUEUED_LIMIT) {
                return new SendResult.BufferFull(userQueued);
            }
        }
        return new SendResult.Queued(queue(body, delivery, true));
    }

    /** Queues a system message (never refused: acks and answers must go out). */
    public void sendSystem(Record message, Delivery delivery) {
        queue(types.of(message.getClass()).encode(message, maxBody), delivery, false);
    }

    private Outgoing queueSystem(Record message) {
        queue(types.of(message.getClass()).encode(message, maxBody), Delivery.UNRELIABLE, false);
        return unreliable.peekLast();
    }

    private int queue(byte[] body, Delivery delivery, boolean user) {
        int id;
        int seq = 0;
        int flags;
        switch (delivery) {
            case UNRELIABLE -> {
                id = nextUnreliableId;
                nextUnreliableId = (nextUnreliableId + 1) & 0xFFFF;
                flags = 0;
            }
            case RELIABLE -> {
                id = nextReliableId;
                nextReliableId = (nextReliableId + 1) & 0xFFFF;
                flags = DatagramCodec.FLAG_RELIABLE;
            }
            default -> {
                id = nextReliableId;
                nextReliableId = (nextReliableId + 1) & 0xFFFF;
                seq = nextSequence;
                nextSequence = OrderedReceiver.next(nextSequence);
                flags = DatagramCodec.FLAG_RELIABLE | DatagramCodec.FLAG_ORDERED;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(DatagramCodec.HEADER + body.length);
        DatagramCodec.put(b, id, seq, flags, body);
        Outgoing o = new Outgoing(id, b.array(), delivery != Delivery.UNRELIABLE, user);
        if (o.reliable) {
            reliable.put(id, o);
            fresh.addLast(o);
        } else {
            unreliable.addLast(o);
        }
        if (user) {
            userQueued++;
        }
        queuedBytes += o.bytes.length;
        return o.bytes.length;
    }

    /**
     * Sends what is queued and what is due again, packed up to the MTU: unreliable messages
     * (acks, pongs first as they were queued), then resends, then first sends.
     */
    public void flush(long now) {
        if (closed) {
            return;
        }
        out.clear();
        Outgoing o;
        while ((o = unreliable.pollFirst()) != null) {
            add(o, now);
            forget(o);
        }
        if (now >= earliestResend) {
            earliestResend = Long.MAX_VALUE;
            for (Outgoing r : reliable.values()) {
                if (r.sends == 0) {
                    continue;
                }
                long due = r.lastSent + rto.backoffNanos(r.sends, now);
                if (due <= now) {
                    resends++;
                    add(r, now);
                    due = now + rto.backoffNanos(r.sends, now);
                }
                earliestResend = Math.min(earliestResend, due);
            }
        }
        // First sends, while the send window has room (one message always may go, whatever its size):
        // the receiver's socket buffer must hold everything in flight even when it stops reading.
        while ((o = fresh.peekFirst()) != null) {
            if (o.acked) {
                fresh.pollFirst();
                continue;
            }
            if (inFlightBytes > 0 && inFlightBytes + o.bytes.length > config.maxInFlightBytes()) {
                break; // sent when acks make room
            }
            fresh.pollFirst();
            add(o, now);
            inFlightBytes += o.bytes.length;
            outMessages++;
            earliestResend = Math.min(earliestResend, now + rto.backoffNanos(o.sends, now));
        }
        sendOut();
    }

    private void add(Outgoing o, long now) {
        if (out.position() + o.bytes.length > out.capacity()) {
            sendOut();
        }
        if (o.answersArrival >= 0) {
            heldAt[heldCount] = out.position() + SystemMessages.HELD_OFFSET;
            heldPong[heldCount] = o.pongId;
            heldSince[heldCount++] = o.answersArrival;
        } else if (o.pingSlot >= 0) {
            pingsInDatagram[pingsInDatagramCount++] = o.pingSlot;
        } else if (o.keepAliveRequest) {
            keepAliveInDatagram = true;
        }
        int at = out.position();
        out.put(o.bytes);
        if (o.reliable && o.sends > 0) {
            out.put(at + 4, (byte) (o.bytes[4] | DatagramCodec.FLAG_RESENT)); // the ack will tell which copy it answers
        }
        if (!o.reliable) {
            outMessages++;
        }
        if (o.sends == 0) {
            o.firstSent = now;
        }
        o.sends++;
        o.lastSent = now;
    }

    private void sendOut() {
        if (closed) {
            discardOut(); // a send failed earlier in this flush: nothing more goes out
            return;
        }
        if (out.position() == 0) {
            return;
        }
        // Round trips are timed from here, the last moment before the datagram goes to the socket:
        // an answer says how long its request waited on this side, a ping or keep-alive starts its clock.
        long sendTime = config.clock().getAsLong();
        for (int i = 0; i < heldCount; i++) {
            out.putInt(heldAt[i], Math.clamp(sendTime - heldSince[i], 0, Integer.MAX_VALUE));
        }
        out.flip();
        int n = out.remaining();
        boolean wantStamp = false;
        for (int i = 0; i < heldCount && stampsSends; i++) {
            wantStamp |= heldPong[i] >= 0;
        }
        long key;
        try {
            key = transport.send(out, wantStamp);
        } catch (java.io.IOException e) {
            // Not "withheld, retry": resending would meet the same error until the timeout, which
            // would then end the connection with no cause (B4 of docs/design/one-native-layer.md).
            discardOut();
            fail(e.getMessage() != null ? e.getMessage() : e.toString());
            return;
        }
        if (key != DatagramSender.NOT_SENT) {
            outPackets++;
            outBytes += n;
            for (int i = 0; i < pingsInDatagramCount; i++) {
                int slot = pingsInDatagram[i];
                if (pingSent[slot] >= 0) {
                    pingSent[slot] = sendTime;
                }
            }
            if (keepAliveInDatagram && keepAliveSent >= 0) {
                keepAliveSent = sendTime;
            }
            if (key >= 0 && wantStamp) {
                remember(key);
            }
        }
        discardOut();
    }

    /** Empties the datagram being packed and what it noted about its messages. */
    private void discardOut() {
        heldCount = 0;
        pingsInDatagramCount = 0;
        keepAliveInDatagram = false;
        out.clear();
    }

    private void forget(Outgoing o) {
        queuedBytes -= o.bytes.length;
        if (o.user) {
            userQueued--;
        }
    }

    // ------------------------------------------------------------------ receiving

    /** Takes one datagram's decoded messages (the caller decoded it and counted malformed ones). */
    public void receive(List<DatagramCodec.Message> messages, int length, long now) {
        if (closed) {
            return;
        }
        lastReceive = now;
        inPackets++;
        inBytes += length;
        for (DatagramCodec.Message m : messages) {
            if (closed) {
                return;
            }
            if (!m.reliable()) {
                inMessages++;
                dispatch(m.body(), now);
                continue;
            }
            boolean connectRequest = m.body() instanceof ConnectRequest;
            if (m.ordered()) {
                OrderedReceiver.Verdict v = ordered.classify(m.sequence());
                if (v == OrderedReceiver.Verdict.FULL) {
                    continue; // neither acked nor kept: the sender will send it again
                }
                ack(m.messageId(), m.resent());
                if (v == OrderedReceiver.Verdict.OLD || !window.markIfNew(m.messageId())) {
                    duplicates++;
                    continue;
                }
                for (Record r : ordered.offer(m.sequence(), m.body())) {
                    inMessages++;
                    dispatch(r, now);
                }
                continue;
            }
            if (!connectRequest) {
                // Every reliable message is acked, duplicates too: the first ack may have been lost.
                // A connect request is answered by accept/reject instead (no reply bigger than the request).
                ack(m.messageId(), m.resent());
            }
            if (!window.markIfNew(m.messageId())) {
                duplicates++;
                continue;
            }
            inMessages++;
            dispatch(m.body(), now);
        }
    }

    /** Acks message {@code id}; bit 16 of the ack says the copy acked was a resent one. */
    private void ack(int id, boolean resent) {
        sendSystem(new MessageAck(id | (resent ? ACKS_RESENT_COPY : 0)), Delivery.UNRELIABLE);
    }

    private void dispatch(Record body, long now) {
        switch (body) {
            case MessageAck a -> acked(a.messageToAck() & 0xFFFF, (a.messageToAck() & ACKS_RESENT_COPY) != 0, now);
            case Ping p -> {
                if (events.mayAnswerPing(now)) {
                    Outgoing o = queueSystem(new Pong(p.id(), 0, stampsSends));
                    o.answersArrival = now;
                    o.pongId = p.id();
                    answerDue = true;
                }
            }
            case Pong p -> pong(p.id(), p.heldNanos(), p.followUp(), now);
            case PongHeld h -> pongHeld(h.id(), h.heldNanos());
            case KeepAliveRequest k -> {
                keepAliveCount++;
                queueSystem(new KeepAliveResponse(k.id(), 0)).answersArrival = now;
                answerDue = true;
            }
            case KeepAliveResponse k -> {
                if (k.id() == keepAliveId && keepAliveSent >= 0) {
                    sample(keepAliveSent, now - keepAliveSent, k.heldNanos());
                    keepAliveSent = -1;
                }
            }
            case ConnectRequestAccepted a -> {
                if (!server) {
                    dropConnectRequest();
                    events.accepted();
                }
            }
            case ConnectRequestRejected r -> {
                if (!server) {
                    events.rejected();
                }
            }
            case ConnectRequest r -> {
                // A resent request of an accepted client: its accept is on its way (resent as needed).
            }
            case Disconnected d -> events.disconnected();
            default -> events.message(body);
        }
    }

    /** The accept answers the request: stop resending it. */
    private void dropConnectRequest() {
        for (Iterator<Outgoing> it = reliable.values().iterator(); it.hasNext(); ) {
            Outgoing o = it.next();
            if (!o.user) {
                if (o.sends > 0) {
                    inFlightBytes -= o.bytes.length;
                }
                o.acked = true;
                it.remove();
                forget(o);
            }
        }
    }

    /**
     * An ack arrived. Its round trip is a sample for the resend delay whenever it is unambiguous (RFC 6298
     * with Karn's rule, made exact as TCP's timestamps make it): the ack of the first copy is timed from
     * the first send, also when the message was resent meanwhile (a late ack is exactly the sample the
     * estimator needs; Karn's rule alone discards it, so acks slower than the 10 ms floor were never
     * learned and every one of them caused a resend); the ack of a resent copy is timed from the resend
     * if there was only one.
     */
    private void acked(int id, boolean ofResentCopy, long now) {
        Outgoing o = reliable.remove(id);
        if (o == null) {
            return; // a duplicate ack
        }
        if (o.sends > 0) {
            inFlightBytes -= o.bytes.length;
        }
        o.acked = true;
        if (!ofResentCopy && o.sends >= 1) {
            rto.sample(now - o.firstSent, now);
        } else if (ofResentCopy && o.sends == 2) {
            rto.sample(now - o.lastSent, now);
        }
        forget(o);
    }

    /**
     * One RTT sample: the network's share of a round trip, {@code measured - held} (what the answerer says it
     * held the request is not the path's). Both ends of each subtraction are on one clock: the link's clock,
     * onto which the port puts the kernel's stamps with one offset ({@code io.iperf3j.sys.KernelClock}), or, without kernel
     * stamps, the link's clock read at each step; so a real round trip always comes out positive. A sample
     * that does not ({@code held < 0} or {@code held >= measured}: a lying peer, a clock step, a manual clock
     * that did not move) is not a measurement and is dropped, never recorded as 0.
     */
    private void sample(long sentNanos, long measured, long held) {
        if (held < 0 || held >= measured) {
            events.rttDropped(measured, held);
            return;
        }
        long r = measured - held;
        rtt.record(r);
        events.rtt(sentNanos, r);
    }

    private void pong(int id, int held, boolean followUp, long now) {
        int slot = id % PING_SLOTS;
        if (followUp && pingIds[slot] == id && pingSent[slot] >= 0) {
            // The exact held time follows in a PongHeld; until then (at most PROVISIONAL_FOR) this one stands.
            provisionalRtt[slot] = now - pingSent[slot];
            provisionalHeld[slot] = held;
            provisionalSent[slot] = pingSent[slot];
            provisionalAt[slot] = now;
            pingSent[slot] = -1;
            return;
        }
        if (pingIds[slot] == id && pingSent[slot] >= 0) {
            sample(pingSent[slot], now - pingSent[slot], held);
            pingSent[slot] = -1;
        }
    }

    private void pongHeld(int id, int held) {
        int slot = id % PING_SLOTS;
        if (pingIds[slot] == id && provisionalAt[slot] >= 0) {
            settle(slot, held);
        }
    }

    private void settle(int slot, long held) {
        sample(provisionalSent[slot], provisionalRtt[slot], held);
        provisionalAt[slot] = -1;
    }

    private void remember(long key) {
        int n = 0;
        for (int i = 0; i < heldCount; i++) {
            if (heldPong[i] >= 0) {
                n++;
            }
        }
        int[] pongs = new int[n];
        long[] arrivals = new long[n];
        for (int i = 0, j = 0; i < heldCount; i++) {
            if (heldPong[i] >= 0) {
                pongs[j] = heldPong[i];
                arrivals[j++] = heldSince[i];
            }
        }
        if (stamped.size() == STAMPED_KEPT) {
            stamped.pollFirst();
        }
        if (n > 0) {
            stamped.addLast(new Stamped(key, pongs, arrivals));
        }
    }

    /** Whether pongs announce a PongHeld (the transport reports send times); set by the endpoint. */
    public void stampsSends(boolean on) {
        stampsSends = on;
    }

    /**
     * The kernel's send time of datagram {@code key} (when it entered the packet scheduler): a pong in
     * it gets its exact held time sent on in a PongHeld (then {@link #takeAnswerDue()} is true). A
     * ping's own clock starts at the send call, as ping's does, so the two figures compare.
     */
    public void sendStamped(long key, long sendTime) {
        while (!stamped.isEmpty()) {
            Stamped s = stamped.peekFirst();
            long ahead = (key - s.key) & 0xFFFFFFFFL;
            if (ahead > 0x7FFFFFFFL) {
                return; // older than anything kept (or not ours)
            }
            stamped.pollFirst();
            if (ahead != 0) {
                continue; // its stamp never came
            }
            for (int i = 0; i < s.pongIds.length; i++) {
                long held = Math.clamp(sendTime - s.arrivals[i], 0, Integer.MAX_VALUE);
                queueSystem(new PongHeld(s.pongIds[i], (int) held));
                answerDue = true;
            }
            return;
        }
    }

    // ------------------------------------------------------------------ timers

    /** Marks the connection established: pings and keep-alives start. */
    public void establish(long now) {
        if (!live) {
            live = true;
            nextPing = now;
            nextKeepAlive = now + config.keepAliveInterval().toNanos();
        }
    }

    /**
     * Runs the timers: timeout, stalled acks, pings, keep-alives. Returns false when the connection
     * failed (the error was reported).
     */
    public boolean tick(long now) {
        if (closed) {
            return false;
        }
        long timeout = config.timeout().toNanos();
        if (now - lastReceive > timeout) {
            fail("Connection timed out");
            return false;
        }
        if (!reliable.isEmpty()) {
            Outgoing oldest = reliable.values().iterator().next();
            if (oldest.sends > 0 && now - oldest.firstSent > 2 * timeout) {
                fail("Peer stopped acknowledging (a reliable message unacked for " + 2 * timeout / 1_000_000_000.0 + " s)");
                return false;
            }
        }
        if (live) {
            for (int i = 0; i < PING_SLOTS; i++) {
                if (provisionalAt[i] >= 0 && now - provisionalAt[i] > PROVISIONAL_FOR) {
                    settle(i, provisionalHeld[i]); // no PongHeld came: the pong's own figure
                }
                if (pingSent[i] >= 0 && now - pingSent[i] > PING_LOST_AFTER) {
                    pingSent[i] = -1;
                    pingsLost++;
                }
            }
            if (now >= nextPing) {
                pingId = (pingId + 1) & 0xFFFF;
                int slot = pingId % PING_SLOTS;
                if (pingSent[slot] >= 0) {
                    pingsLost++;
                }
                pingIds[slot] = pingId;
                pingSent[slot] = now;
                pingsSent++;
                queueSystem(new Ping(pingId, 0, false)).pingSlot = slot;
                nextPing = now + config.pingInterval().toNanos();
            }
            if (server && now >= nextKeepAlive) {
                keepAliveId = (keepAliveId + 1) & 0xFFFF;
                keepAliveSent = now;
                keepAliveCount++;
                queueSystem(new KeepAliveRequest(keepAliveId)).keepAliveRequest = true;
                nextKeepAlive = now + config.keepAliveInterval().toNanos();
            }
        }
        return true;
    }

    private void fail(String text) {
        closed = true;
        events.error(text);
    }

    /** Stops everything (no more sends or events). */
    public void close() {
        closed = true;
    }

    /** When {@link #tick} or {@link #flush} next has work, absent incoming datagrams. */
    public long nextDeadline() {
        long d = lastReceive + config.timeout().toNanos() + 1;
        if (live) {
            d = Math.min(d, nextPing);
            if (server) {
                d = Math.min(d, nextKeepAlive);
            }
        }
        for (long at : provisionalAt) {
            if (at >= 0) {
                d = Math.min(d, at + PROVISIONAL_FOR + 1);
            }
        }
        return Math.min(d, earliestResend);
    }

    /**
     * Whether the last {@link #receive} queued an answer (pong, keep-alive response) that should
     * leave now rather than at the next update; clears the flag.
     */
    public boolean takeAnswerDue() {
        boolean d = answerDue;
        answerDue = false;
        return d;
    }

    public boolean hasQueued() {
        return !unreliable.isEmpty() || !fresh.isEmpty();
    }

    /** Counts a datagram for this connection that failed to decode. */
    public void countMalformed() {
        malformed++;
    }

    public long malformed() {
        return malformed;
    }

    public long pendingAcks() {
        long n = 0;
        for (Outgoing o : reliable.values()) {
            if (o.sends > 0) {
                n++;
            }
        }
        return n;
    }

    public LinkMetrics metrics() {
        return new LinkMetrics(rtt.latencyMillis(), rtt.count(), rtt.percentileMicros(50), rtt.percentileMicros(90),
                rtt.percentileMicros(99), rtt.maxMicros(), rto.timeoutNanos(config.clock().getAsLong()) / 1000, queuedBytes, pendingAcks(),
                inBytes, outBytes, inPackets, outPackets, inMessages, outMessages, keepAliveCount, ordered.held(),
                resends, duplicates, pingsSent, pingsLost, malformed);
    }

    /** Test access: the reliable messages not yet acked, by id. */
    List<Integer> unackedIds() {
        return new ArrayList<>(reliable.keySet());
    }
}
