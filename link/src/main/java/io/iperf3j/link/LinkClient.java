package io.iperf3j.link;

import io.iperf3j.link.internal.LinkConnection;
import io.iperf3j.MetricsStream;
import io.iperf3j.link.internal.DatagramCodec;
import io.iperf3j.link.internal.GaugePublisher;
import io.iperf3j.link.internal.MalformedDatagramException;
import io.iperf3j.link.internal.Pump;
import io.iperf3j.link.internal.SystemMessages;
import io.iperf3j.link.internal.UdpPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client end of a link (legume's {@code Client}). {@link #connect} starts the handshake (state
 * CONNECTING, the request resent until the server answers or the timeout passes); then
 * {@link #send} messages. Drive it with {@link #update()} in a loop of your own, or call
 * {@link #startBackground()} once and let a daemon thread do it.
 *
 * <p>Threads: every method may be called from any thread (one lock); listeners run on the thread
 * running {@code update()}, holding that lock (a listener may send).
 */
public final class LinkClient implements AutoCloseable {
    /** Told of each ping round trip (the latency probe's hook). */
    interface RttObserver {
        void rtt(long sentNanos, long rttNanos);

        /** An answer that gave no sample (its held time was not below the measured round trip). */
        default void dropped(long measuredNanos, long heldNanos) {
        }
    }

    private final MessageTypes types;
    private final LinkConfig config;
    private final ClientListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteBuffer in = ByteBuffer.allocateDirect(LinkConfig.MTU + 1);
    private volatile LinkState state = LinkState.DISCONNECTED;
    private UdpPort channel;
    private LinkConnection connection;
    private Pump pump;
    private volatile String error;
    private RttObserver rttObserver;
    private InetSocketAddress server;
    private GaugePublisher publisher;

    public LinkClient(MessageTypes types, LinkConfig config, ClientListener listener) {
        this.types = Objects.requireNonNull(types, "types");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = listener == null ? new ClientListener() { } : listener;
    }

    /** Opens a socket towards {@code server} and starts the handshake (state CONNECTING). */
    public void connect(InetSocketAddress server) throws IOException {
        Objects.requireNonNull(server, "server");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve " + server.getHostString());
        }
        lock.lock();
        try {
            if (state == LinkState.CONNECTING || state == LinkState.CONNECTED) {
                throw new IllegalStateException("already " + state);
            }
            channel = UdpPort.open(null, server);
            this.server = server;
            long now = config.clock().getAsLong();
            connection = new LinkConnection(config, types.table(), new Events(), this::transmit, false, now);
            connection.stampsSends(channel.kernelTimestamps());
            error = null;
            state = LinkState.CONNECTING;
            connection.sendSystem(new SystemMessages.ConnectRequest(LinkConfig.PROTOCOL_VERSION), Delivery.RELIABLE);
            connection.flush(now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets a daemon thread run {@link #update()} from now on (whenever the socket is readable, a
     * timer is due or a message was queued). Call after {@link #connect}; then do not call update().
     */
    public void startBackground() throws IOException {
        lock.lock();
        try {
            pump = Pump.startFor(pump, "iperf3j-link-client", channel, this::step, config.clock(), "connect first");
        } finally {
            lock.unlock();
        }
    }

    /** Reads what arrived, runs the timers, sends what is queued (legume's {@code update()}). */
    public void update() throws IOException {
        Pump.checkManualUpdate(pump);
        step();
    }

    private long step() throws IOException {
        lock.lock();
        try {
            if (connection == null || (state != LinkState.CONNECTING && state != LinkState.CONNECTED)) {
                return -1;
            }
            long now = config.clock().getAsLong();
            channel.drainSendStamps(this::sendStamped);
            for (int i = 0; i < config.maxPerUpdate() && connection != null; i++) {
                in.clear();
                int n;
                try {
                    n = channel.receive(in);
                } catch (PortUnreachableException e) {
                    String refused = refusal();
                    if (refused != null) {
                        fail(refused);
                        return -1;
                    }
                    continue; // no server yet: keep asking until the connect timeout
                }
                if (n <= 0) {
                    break;
                }
                // When the datagram reached the socket (a pong's round trip ends there, not when we woke up),
                // read right after the receive that measured its age.
                long arrival = arrivalOf(channel, config);
                in.flip();
                List<DatagramCodec.Message> messages;
                try {
                    messages = DatagramCodec.decode(in, types.table(), LinkConfig.MTU);
                } catch (MalformedDatagramException e) {
                    connection.countMalformed();
                    continue;
                }
                connection.receive(messages, n, arrival);
                if (connection != null && connection.takeAnswerDue()) {
                    connection.flush(now); // a pong leaves at once, not after the rest of the reads
                }
            }
            if (connection == null || !connection.tick(now)) {
                return -1;
            }
            connection.flush(now);
            if (publisher == null) {
                return connection.nextDeadline();
            }
            if (state == LinkState.CONNECTED && publisher.due(now)) {
                publisher.offer(server, now, connection.metrics());
            }
            return Math.min(connection.nextDeadline(), publisher.next());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Offers this connection's figures ({@link LinkMetrics#gauges()}) to {@code stream} as a
     * {@link io.iperf3j.MetricEvent.Gauges} with source {@code link_client} and the server's
     * {@code host:port} as instance: every {@code every} while connected (checked by {@link #update()},
     * so in background mode on the link's own thread, no extra thread), and once more with the final
     * figures when the connection ends. Replaces an earlier {@code publishTo}. The stream stays open:
     * its owner closes it.
     *
     * @param every 10 ms .. 1 h
     */
    public void publishTo(MetricsStream stream, Duration every) {
        publishTo(stream, every, "link_client");
    }

    /** {@link #publishTo(MetricsStream, Duration)} under another source name (the latency probe's). */
    void publishTo(MetricsStream stream, Duration every, String source) {
        lock.lock();
        try {
            publisher = new GaugePublisher(stream, source, every, config.clock().getAsLong());
            if (pump != null) {
                pump.requestFlush(); // the pump's next deadline now includes the publisher's
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One datagram to the server. A hard send error (thrown) fails the connection with its cause;
     * an ICMP port-unreachable the socket reports here is read as {@link #step} reads it on a
     * receive: no server yet while connecting (keep asking), a reset once connected.
     */
    private long transmit(ByteBuffer datagram, boolean stamp) throws IOException {
        try {
            if (!channel.send(datagram, null, stamp)) {
                return LinkConnection.DatagramSender.NOT_SENT;
            }
        } catch (PortUnreachableException e) {
            String refused = refusal();
            if (refused != null) {
                throw new PortUnreachableException(refused);
            }
            return LinkConnection.DatagramSender.NOT_SENT;
        }
        return stamp ? channel.lastSendKey() : LinkConnection.DatagramSender.SENT;
    }

    /**
     * What an ICMP port-unreachable means now: "Connection reset by peer" once connected, "Connection
     * refused" while connecting to no server unless the config waits for one ({@link LinkConfig#waitForServer()}),
     * else null (keep asking).
     */
    private String refusal() {
        if (state == LinkState.CONNECTED) {
            return "Connection reset by peer";
        }
        return config.waitForServer() ? null : "Connection refused";
    }

    private void sendStamped(long key, long sentNanos) {
        if (connection != null) {
            connection.sendStamped(key, config.usesSystemClock() ? sentNanos : config.clock().getAsLong());
        }
    }

    /**
     * When the datagram just received reached the socket, on the config's clock: the kernel's stamp (already
     * on {@link System#nanoTime()}'s time line, which is {@link LinkConfig#SYSTEM_CLOCK}) when there is one and
     * the clock is the system's, else the clock's time now.
     */
    static long arrivalOf(UdpPort port, LinkConfig config) {
        long kernel = config.usesSystemClock() ? port.lastArrivalNanos() : -1;
        return kernel >= 0 ? kernel : config.clock().getAsLong();
    }

    /** Queues a message for the server; a message that can never fit one datagram throws IllegalArgumentException. */
    public SendResult send(Record message, Delivery delivery) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(delivery, "delivery");
        lock.lock();
        try {
            if (state != LinkState.CONNECTED) {
                types.table().of(message.getClass()).encode(message, LinkConfig.MTU - DatagramCodec.HEADER);
                return new SendResult.NotConnected(state);
            }
            SendResult r = connection.send(message, delivery);
            if (pump != null) {
                pump.requestFlush();
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code Disconnected} to the server and closes (state DISCONNECTED, no event). */
    public void disconnect() {
        lock.lock();
        try {
            if (state == LinkState.CONNECTED || state == LinkState.CONNECTING) {
                long now = config.clock().getAsLong();
                connection.sendSystem(new SystemMessages.Disconnected(), Delivery.UNRELIABLE);
                connection.flush(now);
            }
            shut(LinkState.DISCONNECTED);
        } finally {
            lock.unlock();
        }
    }

    public LinkState state() {
        return state;
    }

    /** The last error's text (null if none). */
    public String error() {
        return error;
    }

    /** This connection's counters now (zeros before the first connect). */
    public LinkMetrics metrics() {
        lock.lock();
        try {
            return connection == null ? new LinkConnection(config, types.table(), new Events(), (d, stamp) -> LinkConnection.DatagramSender.NOT_SENT, false, 0).metrics()
                    : connection.metrics();
        } finally {
            lock.unlock();
        }
    }

    /** The local address of the socket, or null before connect. */
    public InetSocketAddress localAddress() throws IOException {
        lock.lock();
        try {
            return channel == null ? null : channel.localAddress();
        } finally {
            lock.unlock();
        }
    }

    public LinkConfig config() {
        return config;
    }

    void observeRtt(RttObserver o) {
        lock.lock();
        try {
            rttObserver = o;
        } finally {
            lock.unlock();
        }
    }

    /** Closes without telling the server (use {@link #disconnect()} for a graceful end). */
    @Override
    public void close() {
        lock.lock();
        try {
            shut(state == LinkState.ERRORED ? LinkState.ERRORED : LinkState.DISCONNECTED);
        } finally {
            lock.unlock();
        }
        Pump p = pump;
        if (p != null) {
            p.stop(2000);
        }
    }

    private void shut(LinkState to) {
        if (publisher != null && connection != null && state == LinkState.CONNECTED) {
            long now = config.clock().getAsLong();
            publisher.offer(server, now, connection.metrics()); // the final figures
        }
        state = to;
        if (connection != null) {
            connection.close();
        }
        if (channel != null) {
            channel.close();
        }
        if (pump != null) {
            pump.stop(0);
        }
    }

    private void fail(String text) {
        error = text;
        shut(LinkState.ERRORED);
        listener.onError(this, text);
    }

    private final class Events implements LinkConnection.Events {
        @Override
        public void accepted() {
            if (state == LinkState.CONNECTING) {
                state = LinkState.CONNECTED;
                connection.establish(config.clock().getAsLong());
                listener.onConnectAccepted(LinkClient.this);
            }
        }

        @Override
        public void rejected() {
            if (state == LinkState.CONNECTING) {
                error = "Connection rejected by the server";
                shut(LinkState.ERRORED);
                listener.onConnectRejected(LinkClient.this);
            }
        }

        @Override
        public void message(Record message) {
            listener.onMessage(LinkClient.this, message);
        }

        @Override
        public void disconnected() {
            shut(LinkState.DISCONNECTED);
            listener.onDisconnect(LinkClient.this);
        }

        @Override
        public void error(String text) {
            fail(text);
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
}
