package io.iperf3j.internal.engine.udp;

import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.internal.options.IperfOptions;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The server's UDP "acceptor": tells apart the UDP streams of several tests that
 * set up at the same time on one port.
 *
 * <p>UDP streams carry no cookie, so iperf3 3.12 (one test at a time) takes any
 * datagram on its bound UDP socket as the next stream. Here, while at least one
 * test waits for UDP streams, one unconnected socket is bound to the server port
 * (SO_REUSEADDR). A 4-byte datagram on it (the connect message; data datagrams are
 * never shorter than 16 bytes, so a late datagram of an earlier test is not taken
 * for one) goes to the test whose control connection came from the same IP
 * address and that is setting up its streams. For it,
 * a new socket is bound to the same address and port (SO_REUSEADDR) and
 * connected to the datagram's source; Linux then delivers that client's datagrams
 * to the connected socket, the most specific match, and everything else still to
 * the acceptor. The connected socket exists before the reply is sent, so no data
 * datagram can arrive before it.
 *
 * <p>The acceptor socket is open only while some test waits for UDP streams, so an
 * idle server holds no UDP port, and a port taken by another program fails the
 * test with "unable to start stream listener", as in iperf3.
 *
 * <p>Nothing on the wire tells two tests from one client IP apart, so such tests
 * set up their streams one after the other: a test is granted stream setup (the
 * session sends CREATE_STREAMS then) only when no other test from its IP is in
 * setup; the next one is granted as soon as the previous has all its streams or
 * ends. Stream setup takes milliseconds, so the wait is short.
 *
 * <p>Latency probes ({@code --latency}, docs/design/latency.md): a test that may be probed
 * registers with {@link #expectProbe}; the acceptor then stays open until the test has its
 * streams, and the first datagram from the test's client IP that is not 4 bytes long and that the
 * {@link ProbeSink} recognizes as a probe's opening makes the sink answer from a socket of its own,
 * bound to the server port and connected to the datagram's source (as a stream socket is). One
 * probe per test; the datagram itself is dropped (the probe resends it to the new socket).
 *
 * <p>Between bind and connect of a new stream socket, datagrams of other clients land in
 * it; they are read back and routed as if the acceptor had received them
 * ({@link #connectKeepingStrays}).
 *
 * <p>Thread: the acceptor thread routes, under this object's lock, which
 * {@link #expect}, {@link #expectProbe}, {@link #forget} and {@link #forgetProbe} (test threads) take too.
 */
public final class UdpStreamRouter implements Closeable {
    /** Receives a connected stream socket for a test (called on the acceptor thread). */
    public interface Sink {
        void offerUdpStream(DatagramChannel channel);

        /** The test may now send CREATE_STREAMS (it had to wait for another test from its IP). */
        void udpSetupGranted();
    }

    /** A test that answers a latency probe from its client (called on the acceptor thread). */
    public interface ProbeSink {
        /** Whether {@code datagram} (position to limit; not to be kept) opens a probe. */
        boolean isProbeRequest(ByteBuffer datagram);

        /** Answer the probe of {@code client} now, from a socket connected to it (before the next receive). */
        void offerProbe(InetSocketAddress client);
    }

    private record ProbeWait(ProbeSink sink, InetAddress client) {
    }

    private static final class Waiting {
        final Sink sink;
        final InetAddress client;
        int remaining;
        boolean granted;

        Waiting(Sink sink, InetAddress client, int remaining) {
            this.sink = sink;
            this.client = client;
            this.remaining = remaining;
        }
    }

    /** How much of a datagram the acceptor reads: enough for a connect message or a probe's opening. */
    private static final int STRAY_BYTES = 64;
    /** At most this many strays of one stream socket are routed again (a flood is dropped, as on a full socket). */
    private static final int MAX_STRAYS = 256;

    private final IperfOptions options;
    private final java.util.function.IntSupplier port;
    private final List<Waiting> waiting = new ArrayList<>();
    private final List<ProbeWait> probes = new ArrayList<>();
    private DatagramChannel acceptor;
    /** The thread blocked in the acceptor's receive; it holds the socket (and port) until it returns. */
    private Thread acceptorThread;
    private InetSocketAddress boundTo;
    private boolean closed;

    /**
     * @param options the server's options (bind address, IP version)
     * @param port the server's port (the TCP listener's, which may have been 0)
     */
    public UdpStreamRouter(IperfOptions options, java.util.function.IntSupplier port) {
        this.options = options;
        this.port = port;
    }

    /**
     * A test from {@code client} wants {@code count} UDP streams; opens the acceptor
     * if it is not open.
     *
     * @return true if the test may set up its streams now; false if another test from
     *         the same IP is setting up, in which case {@link Sink#udpSetupGranted()}
     *         follows when it is done
     * @throws IOException when the UDP port cannot be bound (for example taken by another program)
     */
    public synchronized boolean expect(Sink sink, InetAddress client, int count) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (acceptor == null) {
            open();
        }
        Waiting w = new Waiting(sink, normalize(client), count);
        w.granted = waiting.stream().noneMatch(o -> o.client.equals(w.client));
        waiting.add(w);
        return w.granted;
    }

    /**
     * A test from {@code client} takes a latency probe until it has its streams ({@link #forgetProbe});
     * opens the acceptor if it is not open.
     *
     * @throws IOException when the UDP port cannot be bound (the test then runs without a probe)
     */
    public synchronized void expectProbe(ProbeSink sink, InetAddress client) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (acceptor == null) {
            open();
        }
        probes.add(new ProbeWait(sink, normalize(client)));
    }

    /**
     * The test needs no more UDP streams (all arrived, or it ended); closes the acceptor
     * when nobody waits (no stream sink, no probe), and returns once its port is free.
     */
    public void forget(Sink sink) {
        awaitStopped(forgetLocked(sink, null));
    }

    /** The test takes no more latency probe ({@link #expectProbe}); closes the acceptor as {@link #forget} does. */
    public void forgetProbe(ProbeSink sink) {
        awaitStopped(forgetLocked(null, sink));
    }

    /** @return the acceptor thread to wait for, if the acceptor was closed */
    private synchronized Thread forgetLocked(Sink sink, ProbeSink probe) {
        if (probe != null) {
            probes.removeIf(p -> p.sink() == probe);
        }
        List<InetAddress> freed = new ArrayList<>();
        if (sink != null) {
            for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (w.sink == sink) {
                    it.remove();
                    if (w.granted) {
                        freed.add(w.client);
                    }
                }
            }
        }
        freed.forEach(this::grantNext);
        return waiting.isEmpty() && probes.isEmpty() ? closeAcceptor() : null;
    }

    /** The next test from {@code client}, in arrival order, may set up its streams. */
    private void grantNext(InetAddress client) {
        for (Waiting w : waiting) {
            if (w.client.equals(client)) {
                if (!w.granted) {
                    w.granted = true;
                    w.sink.udpSetupGranted();
                }
                return;
            }
        }
    }

    private void open() throws IOException {
        InetAddress bindTo = options.bindAddress() != null ? InetAddress.getByName(options.bindAddress()) : null;
        ProtocolFamily family = family(bindTo);
        DatagramChannel ch = DatagramChannel.open(family);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(bindTo, port.getAsInt()));
            ch.configureBlocking(true);
        } catch (IOException e) {
            StreamFactory.closeQuietly(ch);
            throw e;
        }
        acceptor = ch;
        boundTo = (InetSocketAddress) ch.getLocalAddress();
        DatagramChannel mine = ch;
        acceptorThread = Thread.ofPlatform().daemon().name("iperf3j-udp-acceptor-" + boundTo.getPort())
                .start(() -> acceptLoop(mine));
    }

    private ProtocolFamily family(InetAddress bindTo) {
        return switch (options.ipVersion()) {
            case V4 -> StandardProtocolFamily.INET;
            case V6, ANY -> bindTo instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        };
    }

    private void acceptLoop(DatagramChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(STRAY_BYTES);
        while (ch.isOpen()) {
            buf.clear();
            SocketAddress src;
            try {
                src = ch.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue; // an ICMP error reported on the socket; keep listening
            }
            if (src == null) {
                continue;
            }
            if (buf.position() != io.iperf3j.internal.udp.UdpHandshake.SIZE) {
                routeProbe(ch, (InetSocketAddress) src, buf.flip());
                continue;
            }
            route(ch, (InetSocketAddress) src);
        }
    }

    private synchronized void route(DatagramChannel from, InetSocketAddress src) {
        if (from != acceptor) {
            return; // this acceptor was closed meanwhile
        }
        InetAddress ip = normalize(src.getAddress());
        Waiting target = null;
        for (Waiting w : waiting) {
            if (w.granted && w.remaining > 0 && w.client.equals(ip)) {
                target = w;
                break;
            }
        }
        if (target == null) {
            return; // no test from that address expects a stream: ignore, as a closed port would
        }
        DatagramChannel stream = null;
        List<Stray> strays;
        try {
            stream = DatagramChannel.open(family(boundTo.getAddress().isAnyLocalAddress() ? null : boundTo.getAddress()));
            stream.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            stream.bind(boundTo);
            strays = connectKeepingStrays(stream, src);
        } catch (IOException | RuntimeException e) {
            StreamFactory.closeQuietly(stream);
            return; // the client times out waiting for the reply (iperf3: IESTREAMACCEPT)
        }
        target.remaining--;
        target.sink.offerUdpStream(stream);
        if (target.remaining == 0) {
            waiting.remove(target);
            grantNext(ip);
        }
        for (Stray s : strays) { // as if the acceptor had received them
            if (s.datagram().remaining() == io.iperf3j.internal.udp.UdpHandshake.SIZE) {
                route(from, s.source());
            } else {
                routeProbe(from, s.source(), s.datagram());
            }
        }
    }

    /** A datagram that reached a new stream socket before it was connected; its first bytes only. */
    record Stray(InetSocketAddress source, ByteBuffer datagram) {
    }

    /**
     * Connects {@code stream}, just bound to the shared port, to {@code peer}, and returns the
     * datagrams of other senders it took meanwhile.
     *
     * <p>Between a socket's bind and its connect, Linux delivers every datagram for the port to
     * the newest unconnected socket on it, this one, not to the acceptor; and
     * {@code DatagramChannel.connect} reads and drops whatever is queued. A UDP stream's connect
     * message from another client arriving in that window (microseconds, but milliseconds when
     * the thread is preempted on a loaded machine) was lost, and that client failed after its
     * 30 s wait for the reply (seen with four clients starting together). So the socket is
     * connected natively first ({@link NativeSocket#connectDatagram}, which keeps the queue),
     * what it holds is read, and only then does the channel connect (dropping at most a
     * repeat of {@code peer}'s own connect message). Without the native path (not Linux) the
     * window remains.
     */
    static List<Stray> connectKeepingStrays(DatagramChannel stream, InetSocketAddress peer) throws IOException {
        List<Stray> strays = new ArrayList<>();
        NativeSocket socket = NativeSocket.of(stream).orElse(null);
        if (socket != null) {
            socket.connectDatagram(peer);
            stream.configureBlocking(false);
            ByteBuffer buf = ByteBuffer.allocate(STRAY_BYTES);
            SocketAddress from;
            // bounded by what the (default-sized) receive buffer held before the connect
            while ((from = stream.receive(buf)) != null) {
                if (!from.equals(peer) && strays.size() < MAX_STRAYS) {
                    strays.add(new Stray((InetSocketAddress) from,
                            ByteBuffer.wrap(java.util.Arrays.copyOf(buf.array(), buf.position()))));
                }
                buf.clear();
            }
            stream.configureBlocking(true);
        }
        stream.connect(peer);
        return strays;
    }

    private synchronized void routeProbe(DatagramChannel from, InetSocketAddress src, ByteBuffer datagram) {
        if (from != acceptor || probes.isEmpty()) {
            return;
        }
        InetAddress ip = normalize(src.getAddress());
        for (Iterator<ProbeWait> it = probes.iterator(); it.hasNext(); ) {
            ProbeWait p = it.next();
            if (p.client().equals(ip) && p.sink().isProbeRequest(datagram.duplicate())) {
                it.remove();
                p.sink().offerProbe(src);
                if (waiting.isEmpty() && probes.isEmpty()) {
                    closeAcceptor(); // (this is the acceptor thread: nothing to wait for)
                }
                return;
            }
        }
    }

    /** IPv4-mapped IPv6 addresses compare as IPv4 (a dual-stack socket may report either). */
    static InetAddress normalize(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return a;
    }

    /**
     * Closes the acceptor socket. A thread blocked in {@code recvfrom} keeps the kernel
     * socket, and so the port, until the call returns: the JDK's close only signals it.
     *
     * @return the acceptor thread, for {@link #awaitStopped} outside this object's lock
     *         (the thread may need the lock in {@link #route} to leave), or null
     */
    private Thread closeAcceptor() {
        if (acceptor == null) {
            return null;
        }
        StreamFactory.closeQuietly(acceptor);
        acceptor = null;
        Thread t = acceptorThread;
        acceptorThread = null;
        return t;
    }

    /** Waits (at most a second: it only has to return from a signalled receive) for a closed acceptor's thread. */
    private static void awaitStopped(Thread acceptorThread) {
        if (acceptorThread == null || acceptorThread == Thread.currentThread()) {
            return;
        }
        try {
            acceptorThread.join(java.time.Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        Thread stopped;
        synchronized (this) {
            closed = true;
            waiting.clear();
            probes.clear();
            stopped = closeAcceptor();
        }
        awaitStopped(stopped);
    }
}
