package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.IoErrno;
import io.iperf3j.internal.engine.SocketBuffers;
import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's TCP listening sockets: one, or one per port of a {@code -p FIRST-LAST} range, each bound
 * for the address family the options ask for (with {@code -m}, swapped for an MPTCP listener on the
 * same port); the ports, the buffer sizes accepted sockets get, and accept with a one-off server's
 * idle timeout. One port is accepted from in blocking mode, as ever; a range through a selector over
 * non-blocking listeners, so one acceptor thread serves every port.
 *
 * <p>Thread: the acceptor ({@link #accept}); {@link #close()} from any thread ends a blocked accept.
 */
final class ListeningSocket {
    private final List<ServerSocketChannel> listeners;
    /**
     * The ports bound, in order: with {@code -m} the MPTCP listeners' (the JDK still reports the
     * ephemeral port it bound first), else the JDK's (so port 0 becomes the one the kernel gave).
     */
    private final List<Integer> ports;
    private final int[] buffers;
    /** With a range: the selector over the listeners; null with one port. */
    private final Selector selector;
    /** Listeners the last select found ready, each good for one accept. */
    private final ArrayDeque<SelectionKey> ready = new ArrayDeque<>();

    private ListeningSocket(List<ServerSocketChannel> listeners, List<Integer> ports, int[] buffers, Selector selector) {
        this.listeners = listeners;
        this.ports = ports;
        this.buffers = buffers;
        this.selector = selector;
    }

    /** Opens and binds the listener, or one per port of the range. */
    static ListeningSocket bind(IperfOptions options) throws IperfException {
        List<ServerSocketChannel> opened = new ArrayList<>();
        Selector selector = null;
        int port = options.port();
        try {
            InetAddress bindTo = options.bindAddress() != null ? InetAddress.getByName(options.bindAddress()) : null;
            StandardProtocolFamily family = switch (options.ipVersion()) {
                case V4 -> StandardProtocolFamily.INET;
                case V6, ANY -> bindTo instanceof java.net.Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
            };
            List<Integer> bound = new ArrayList<>();
            for (int p : options.ports()) {
                port = p;
                ServerSocketChannel listener = ServerSocketChannel.open(family);
                opened.add(listener);
                int mptcpPort = listen(listener, bindTo, p, options.mptcp());
                bound.add(mptcpPort > 0 ? mptcpPort : ((InetSocketAddress) listener.getLocalAddress()).getPort());
            }
            int[] buffers;
            try (SocketChannel probe = SocketChannel.open()) {
                buffers = new int[] {SocketBuffers.sendBuffer(probe), SocketBuffers.receiveBuffer(opened.getFirst())};
            }
            if (opened.size() > 1) {
                selector = Selector.open();
                for (ServerSocketChannel l : opened) {
                    l.configureBlocking(false);
                    l.register(selector, SelectionKey.OP_ACCEPT);
                }
            }
            return new ListeningSocket(List.copyOf(opened), List.copyOf(bound), buffers, selector);
        } catch (IOException e) {
            opened.forEach(StreamFactory::closeQuietly);
            closeQuietly(selector);
            String why = IoErrno.describe(e);
            throw new IperfException(ErrorCode.LISTEN, options.portLast() > 0 ? why + " (port " + port + ")" : why, e);
        }
    }

    /** Binds one listener to {@code port}; with {@code -m} swaps it for MPTCP's and returns that port, else 0. */
    private static int listen(ServerSocketChannel listener, InetAddress bindTo, int port, boolean mptcp) throws IOException {
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        if (!mptcp) {
            listener.bind(new InetSocketAddress(bindTo, port), 128);
            return 0;
        }
        // -m on a server: listen with MPTCP, so data streams of MPTCP clients are MPTCP
        // (3.21 re-creates its listener per test when the client asks; one listener
        // serves all tests here). Plain TCP clients still connect (fallback). The JDK's
        // TCP listener gets an ephemeral port, so no client reaches it before the swap.
        listener.bind(new InetSocketAddress(bindTo, 0), 128);
        try {
            return io.iperf3j.sys.MultipathTcp.replaceListener(listener, 128, port);
        } catch (io.iperf3j.sys.NativeSocketException | UnsupportedOperationException e) {
            throw new java.io.IOException(e.getMessage(), e);
        }
    }

    /** The bound port (useful with port 0); a range's first. */
    int port() {
        return ports.getFirst();
    }

    /** Every port listened on, in order. */
    List<Integer> ports() {
        return ports;
    }

    /**
     * The buffer sizes iperf3 reports in a server's JSON {@code start}: the send
     * buffer a new socket gets (Java exposes no SO_SNDBUF on a listener) and the
     * listener's receive buffer, which accepted sockets inherit.
     */
    int[] buffers() {
        return buffers;
    }

    /**
     * The next connection, on any port; with {@code idleTimeoutSec} > 0, null when nobody connected
     * in that time (a one-off server with {@code --idle-timeout} then exits, status 0, as iperf3).
     * The connection is in blocking mode.
     *
     * @throws ClosedChannelException once {@link #close()} has run
     */
    SocketChannel accept(int idleTimeoutSec) throws IOException {
        if (selector == null) {
            return acceptOne(listeners.getFirst(), idleTimeoutSec);
        }
        try {
            while (true) {
                SelectionKey key = ready.poll();
                if (key != null) {
                    SocketChannel ch = ((ServerSocketChannel) key.channel()).accept();
                    if (ch != null) {
                        return ch; // blocking, whatever the listener's mode
                    }
                    continue; // taken back by the peer meanwhile
                }
                int n = idleTimeoutSec > 0 ? selector.select(idleTimeoutSec * 1000L) : selector.select();
                if (!selector.isOpen()) {
                    throw new ClosedChannelException();
                }
                if (n == 0 && idleTimeoutSec > 0) {
                    return null;
                }
                ready.addAll(selector.selectedKeys());
                selector.selectedKeys().clear();
            }
        } catch (ClosedSelectorException e) {
            throw new ClosedChannelException();
        }
    }

    private static SocketChannel acceptOne(ServerSocketChannel listener, int idleTimeoutSec) throws IOException {
        if (idleTimeoutSec <= 0) {
            return listener.accept();
        }
        listener.socket().setSoTimeout(idleTimeoutSec * 1000);
        try {
            java.net.Socket s = listener.socket().accept();
            return s.getChannel();
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    void close() {
        listeners.forEach(StreamFactory::closeQuietly);
        closeQuietly(selector); // wakes a blocked select; the listeners' fds go with their keys
    }

    private static void closeQuietly(Selector s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
