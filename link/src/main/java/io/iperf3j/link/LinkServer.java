package io.iperf3j.link;

import io.iperf3j.link.internal.LinkConnection;
import io.iperf3j.MetricsStream;
import io.iperf3j.link.internal.DatagramCodec;
import io.iperf3j.link.internal.GaugePublisher;
import io.iperf3j.link.internal.MalformedDatagramException;
import io.iperf3j.link.internal.Pump;
import io.iperf3j.link.internal.SystemMessages;
import io.iperf3j.link.internal.TokenBucket;
import io.iperf3j.link.internal.UdpPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The server end of a link (legume's {@code Server}): one UDP socket, one {@link Peer} per client
 * address. Drive it with {@link #update()} or {@link #startBackground()}.
 *
 * <p>Abuse bounds: a datagram from an unknown address is answered only if it is a well-formed
 * connect request, and the answer (accept or reject, 6 bytes) is smaller than the request
 * (7 bytes); until a peer has confirmed, everything sent to it is limited to the bytes it sent
 * (no amplification). At most {@link LinkConfig#maxPeers()} peers (more are rejected) and
 * {@link LinkConfig#maxHalfOpen()} half-open ones (more are dropped unanswered); half-open peers
 * expire after the timeout. Malformed datagrams are counted and dropped whole. Each peer's
 * out-buffer is bounded ({@link LinkConfig#maxQueuedMessages()}) and a peer that stops acking is
 * dropped after twice the timeout. Pongs are rate-limited per peer.
 *
 * <p>Threads: every method may be called from any thread (one lock for the server and its peers);
 * listeners run on the thread running {@code update()}, holding that lock.
 */
public final class LinkServer implements AutoCloseable {
    private final MessageTypes types;
    private final LinkConfig config;
    private final ServerListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteBuffer in = ByteBuffer.allocateDirect(LinkConfig.MTU + 1);
    private final Map<SocketAddress, Peer> peers = new LinkedHashMap<>();
    private static final int SENT_KEPT = 1024;
    private final long[] sentKey = new long[SENT_KEPT];
    private final Peer[] sentTo = new Peer[SENT_KEPT];
    private volatile LinkState state = LinkState.DISCONNECTED;
    private UdpPort channel;
    private Pump pump;
    private int halfOpen;
    private volatile boolean acceptNewConnections = true;
    private GaugePublisher publisher;
    private LinkClient.RttObserver rttObserver;

    private long inDatagrams;
    private long inBytes;
    private long outDatagrams;
    private long outBytes;
    private long malformed;
    private long stray;
    private long rejected;
    private long handshakesDropped;
    private long repliesWithheld;
    private long pongsWithheld;

    public LinkServer(MessageTypes types, LinkConfig config, ServerListener listener) {
        this.types = Objects.requireNonNull(types, "types");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = listener == null ? new ServerListener() { } : listener;
    }

    /** Binds {@code address} (port 0: any free port) and starts listening. */
    public void listen(InetSocketAddress address) throws IOException {
        listen(address, null);
    }

    /**
     * Binds {@code address}, shared with other sockets (SO_REUSEADDR), and connects the socket to
     * {@code client} (null: not connected, not shared), so it hears that one client only: a server of
     * one peer on another program's port, which still gets every other datagram (an iperf3j server's
     * latency probe, docs/design/latency.md).
     */
    public void listen(InetSocketAddress address, InetSocketAddress client) throws IOException {
        lock.lock();
        try {
            if (state == LinkState.LISTENING) {
                throw new IllegalStateException("already listening");
            }
            channel = UdpPort.open(address, client, client != null);
            state = LinkState.LISTENING;
        } finally {
            lock.unlock();
        }
    }

    /** Lets a daemon thread run {@link #update()} from now on. Call after {@link #listen}. */
    public void startBackground() throws IOException {
        lock.lock();
        try {
            pump = Pump.startFor(pump, "iperf3j-link-server", channel, this::step, config.clock(), "listen first");
        } finally {
            lock.unlock();
        }
    }

    /** Reads what arrived, runs every peer's timers, sends what is queued. */
    public void update() throws IOException {
        Pump.checkManualUpdate(pump);
        step();
    }

    private long step() throws IOException {
        lock.lock();
        try {
            if (state != LinkState.LISTENING) {
                return -1;
            }
            long now = config.clock().getAsLong();
            channel.drainSendStamps(this::sendStamped);
            for (int i = 0; i < config.maxPerUpdate(); i++) {
                in.clear();
                if (channel.receive(in) < 0) {
                    break;
                }
                in.flip();
                // The time the datagram reached the socket: a pong says how long its ping waited here.
                onDatagram(channel.lastSource(), LinkClient.arrivalOf(channel, config));
                if (state != LinkState.LISTENING) {
                    return -1;
                }
            }
            long deadline = now + 1_000_000_000L;
            boolean publish = publisher != null && publisher.due(now);
            for (Peer p : new ArrayList<>(peers.values())) {
                if (p.gone) {
                    continue;
                }
                if (!p.connection.tick(now)) {
                    continue; // the error event removed it
                }
                p.connection.flush(now);
                deadline = Math.min(deadline, p.connection.nextDeadline());
                if (publish && !p.halfOpen) {
                    publisher.offer(p.address(), now, p.connection.metrics());
                }
            }
            return publisher == null ? deadline : Math.min(deadline, publisher.next());
        } finally {
            lock.unlock();
        }
    }

    private void onDatagram(InetSocketAddress from, long now) {
        int length = in.remaining();
        inDatagrams++;
        inBytes += length;
        List<DatagramCodec.Message> messages;
        try {
            messages = DatagramCodec.decode(in, types.table(), LinkConfig.MTU);
        } catch (MalformedDatagramException e) {
            malformed++;
            Peer p = peers.get(from);
            if (p != null) {
                p.connection.countMalformed();
            }
            return;
        }
        Peer peer = peers.get(from);
        if (peer != null) {
            if (peer.halfOpen) {
                peer.credit += length;
                if (!onlyConnectRequests(messages)) {
                    peer.halfOpen = false;
                    halfOpen--;
                    peer.connection.establish(now);
                }
            }
            peer.connection.receive(messages, length, now);
            if (!peer.gone && peer.connection.takeAnswerDue()) {
                peer.connection.flush(now); // a pong leaves at once, not after the rest of the reads
            }
            return;
        }
        if (!onlyConnectRequests(messages)) {
            stray++;
            return;
        }
        handshake(from, messages, length, now);
    }

    private static boolean onlyConnectRequests(List<DatagramCodec.Message> messages) {
        for (DatagramCodec.Message m : messages) {
            if (!(m.body() instanceof SystemMessages.ConnectRequest)) {
                return false;
            }
        }
        return true;
    }

    private void handshake(InetSocketAddress from, List<DatagramCodec.Message> messages, int length, long now) {
        if (!acceptNewConnections) {
            stray++;
            return;
        }
        int protocol = ((SystemMessages.ConnectRequest) messages.getFirst().body()).protocol();
        if (protocol != LinkConfig.PROTOCOL_VERSION || connectedCount() >= config.maxPeers()) {
            reject(from, length);
            return;
        }
        if (halfOpen >= config.maxHalfOpen()) {
            handshakesDropped++;
            return;
        }
        Peer peer = new Peer(this, from, new TokenBucket(config.pongsPerSecond(), config.pongBurst(), now));
        peer.credit = length;
        peer.connection = new LinkConnection(config, types.table(), new PeerEvents(peer), (d, stamp) -> transmit(peer, d, stamp), true, now);
        peer.connection.stampsSends(channel.kernelTimestamps());
        if (!listener.onConnectRequest(peer)) {
            reject(from, length);
            return;
        }
        peers.put(from, peer);
        halfOpen++;
        peer.connection.receive(messages, length, now);
        peer.queueSystem(new SystemMessages.ConnectRequestAccepted(), Delivery.RELIABLE);
        peer.connection.flush(now);
    }

    /** One unreliable ConnectRequestRejected (6 bytes, never more than the request), no state kept. */
    private void reject(InetSocketAddress to, int requestLength) {
        rejected++;
        ByteBuffer b = ByteBuffer.allocate(DatagramCodec.HEADER + 1);
        DatagramCodec.put(b, 0, 0, 0, new byte[] {(byte) SystemMessages.CONNECT_REJECTED});
        b.flip();
        if (b.remaining() <= requestLength) {
            try {
                sendRaw(b, to, false);
            } catch (IOException e) {
                // no peer to fail: the client hears nothing and its connect times out, as with a lost reject
            }
        }
    }

    /** One datagram to {@code peer}; a hard send error (thrown) fails that peer's connection with its cause. */
    private long transmit(Peer peer, ByteBuffer datagram, boolean stamp) throws IOException {
        if (peer.halfOpen) {
            if (datagram.remaining() > peer.credit) {
                repliesWithheld++;
                return LinkConnection.DatagramSender.NOT_SENT;
            }
            peer.credit -= datagram.remaining();
        }
        if (!sendRaw(datagram, peer.address(), stamp)) {
            return LinkConnection.DatagramSender.NOT_SENT;
        }
        long key = stamp ? channel.lastSendKey() : LinkConnection.DatagramSender.SENT;
        if (key >= 0) {
            int i = (int) (key % SENT_KEPT);
            sentKey[i] = key;
            sentTo[i] = peer;
        }
        return key;
    }

    /** The kernel's send time of datagram {@code key}: to the peer it went to (the last SENT_KEPT sends are kept). */
    private void sendStamped(long key, long sentNanos) {
        int i = (int) (key % SENT_KEPT);
        Peer p = sentTo[i];
        if (p != null && sentKey[i] == key && !p.gone) {
            long now = config.clock().getAsLong();
            p.connection.sendStamped(key, config.usesSystemClock() ? sentNanos : now);
            if (p.connection.takeAnswerDue()) {
                p.connection.flush(now);
            }
        }
    }

    private boolean sendRaw(ByteBuffer datagram, InetSocketAddress to, boolean stamp) throws IOException {
        int n = datagram.remaining();
        boolean sent;
        try {
            sent = channel.send(datagram, to, stamp);
        } catch (PortUnreachableException e) {
            // (a socket connected to one client, listen(address, client): the refusal of an earlier
            // datagram; withheld as before, the peer's timeout ends it)
            sent = false;
        }
        if (sent) {
            outDatagrams++;
            outBytes += n;
        }
        return sent;
    }

    private int connectedCount() {
        return peers.size() - halfOpen;
    }

    private void remove(Peer p) {
        if (p.gone) {
            return;
        }
        if (publisher != null && !p.halfOpen) {
            publisher.offer(p.address(), config.clock().getAsLong(), p.connection.metrics()); // its final figures
        }
        p.gone = true;
        p.connection.close();
        peers.remove(p.address());
        if (p.halfOpen) {
            halfOpen--;
        }
    }

    SendResult sendTo(Peer peer, Record message, Delivery delivery) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(delivery, "delivery");
        lock.lock();
        try {
            if (peer.gone || peer.halfOpen) {
                types.table().of(message.getClass()).encode(message, LinkConfig.MTU - DatagramCodec.HEADER);
                return new SendResult.NotConnected(peer.gone ? LinkState.DISCONNECTED : LinkState.CONNECTING);
            }
            SendResult r = peer.connection.send(message, delivery);
            if (pump != null) {
                pump.requestFlush();
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Offers every connected peer's figures ({@link LinkMetrics#gauges()}) to {@code stream}, one
     * {@link io.iperf3j.MetricEvent.Gauges} per peer with source {@code link_server} and the peer's
     * {@code host:port} as instance: every {@code every} (checked by {@link #update()}, so in
     * background mode on the server's own thread, no extra thread), and once more with a peer's final
     * figures when it leaves. Replaces an earlier {@code publishTo}. The stream stays open: its owner
     * closes it.
     *
     * @param every 10 ms .. 1 h
     */
    public void publishTo(MetricsStream stream, Duration every) {
        lock.lock();
        try {
            publisher = new GaugePublisher(stream, "link_server", every, config.clock().getAsLong());
            if (pump != null) {
                pump.requestFlush(); // the pump's next deadline now includes the publisher's
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends a message to every connected peer; returns how many queued it. */
    public int sendToAll(Record message, Delivery delivery) {
        lock.lock();
        try {
            int n = 0;
            for (Peer p : new ArrayList<>(peers.values())) {
                if (!p.halfOpen && sendTo(p, message, delivery).queued()) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    void disconnect(Peer peer) {
        lock.lock();
        try {
            if (!peer.gone) {
                peer.queueDisconnected();
                peer.connection.flush(config.clock().getAsLong());
                remove(peer);
            }
        } finally {
            lock.unlock();
        }
    }

    public void disconnectAll() {
        lock.lock();
        try {
            for (Peer p : new ArrayList<>(peers.values())) {
                disconnect(p);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Connected peers (half-open ones are not listed). */
    public List<Peer> peers() {
        lock.lock();
        try {
            List<Peer> out = new ArrayList<>();
            for (Peer p : peers.values()) {
                if (!p.halfOpen) {
                    out.add(p);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The peer at {@code address}, connected or half-open, or null. */
    public Peer peer(InetSocketAddress address) {
        lock.lock();
        try {
            return peers.get(address);
        } finally {
            lock.unlock();
        }
    }

    /** When false, datagrams from unknown addresses are ignored (legume's {@code accept_new_connections}). */
    public void acceptNewConnections(boolean accept) {
        acceptNewConnections = accept;
    }

    public LinkState state() {
        return state;
    }

    public InetSocketAddress localAddress() throws IOException {
        lock.lock();
        try {
            return channel == null ? null : channel.localAddress();
        } finally {
            lock.unlock();
        }
    }

    public ServerMetrics metrics() {
        lock.lock();
        try {
            return new ServerMetrics(connectedCount(), halfOpen, inDatagrams, inBytes, outDatagrams, outBytes, malformed,
                    stray, rejected, handshakesDropped, repliesWithheld, pongsWithheld);
        } finally {
            lock.unlock();
        }
    }

    public LinkConfig config() {
        return config;
    }

    <T> T withLock(Supplier<T> s) {
        lock.lock();
        try {
            return s.get();
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening: peers are dropped without a message (call {@link #disconnectAll()} first for a graceful end). */
    @Override
    public void close() {
        lock.lock();
        try {
            for (Peer p : new ArrayList<>(peers.values())) {
                remove(p);
            }
            state = LinkState.DISCONNECTED;
            if (channel != null) {
                channel.close();
            }
        } finally {
            lock.unlock();
        }
        Pump p = pump;
        if (p != null) {
            p.stop(2000);
        }
    }

    private final class PeerEvents implements LinkConnection.Events {
        private final Peer peer;

        PeerEvents(Peer peer) {
            this.peer = peer;
        }

        @Override
        public void message(Record message) {
            if (!peer.gone) {
                listener.onMessage(peer, message);
            }
        }

        @Override
        public void disconnected() {
            boolean wasConnected = !peer.halfOpen;
            remove(peer);
            if (wasConnected) {
                listener.onDisconnect(peer);
            }
        }

        @Override
        public void error(String text) {
            boolean wasConnected = !peer.halfOpen;
            remove(peer);
            if (wasConnected) {
                listener.onError(peer, text);
            }
        }

        @Override
        public boolean mayAnswerPing(long now) {
            if (peer.pongs.take(now)) {
                return true;
            }
            pongsWithheld++;
            return false;
        }

        @Override
        public void rtt(long sentNanos, long rttNanos) {
            if (rttObserver != null) {
                rttObserver.rtt(sentNanos, rttNanos);
            }
        }

        @Override
        public void rttDropped(long measuredNanos, long heldNanos) {
            if (rttObserver != null) {
                rttObserver.dropped(measuredNanos, heldNanos);
            }
        }
    }

    /** Told of each round trip of any peer's pings and keep-alives (tests: every sample must be a real one). */
    void observeRtt(LinkClient.RttObserver o) {
        lock.lock();
        try {
            rttObserver = o;
        } finally {
            lock.unlock();
        }
    }
}
