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
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The server's TCP listening socket: bound for the address family the options ask for
 * (with {@code -m}, swapped for an MPTCP listener on the same port), its port, the buffer
 * sizes accepted sockets get, and accept with a one-off server's idle timeout.
 */
final class ListeningSocket {
    private final ServerSocketChannel listener;
    /** With {@code -m}: the MPTCP listener's port; 0 otherwise. */
    private final int mptcpPort;
    private final int[] buffers;

    private ListeningSocket(ServerSocketChannel listener, int mptcpPort, int[] buffers) {
        this.listener = listener;
        this.mptcpPort = mptcpPort;
        this.buffers = buffers;
    }

    /** Opens and binds the listener. */
    static ListeningSocket bind(IperfOptions options) throws IperfException {
        ServerSocketChannel listener = null;
        try {
            InetAddress bindTo = options.bindAddress() != null ? InetAddress.getByName(options.bindAddress()) : null;
            StandardProtocolFamily family = switch (options.ipVersion()) {
                case V4 -> StandardProtocolFamily.INET;
                case V6, ANY -> bindTo instanceof java.net.Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
            };
            listener = ServerSocketChannel.open(family);
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            int mptcpPort = 0;
            if (!options.mptcp()) {
                listener.bind(new InetSocketAddress(bindTo, options.port()), 128);
            } else {
                // -m on a server: listen with MPTCP, so data streams of MPTCP clients are MPTCP
                // (3.21 re-creates its listener per test when the client asks; one listener
                // serves all tests here). Plain TCP clients still connect (fallback). The JDK's
                // TCP listener gets an ephemeral port, so no client reaches it before the swap.
                listener.bind(new InetSocketAddress(bindTo, 0), 128);
                try {
                    mptcpPort = io.iperf3j.sys.MultipathTcp.replaceListener(listener, 128, options.port());
                } catch (io.iperf3j.sys.NativeSocketException | UnsupportedOperationException e) {
                    throw new java.io.IOException(e.getMessage(), e);
                }
            }
            int[] buffers;
            try (SocketChannel probe = SocketChannel.open()) {
                buffers = new int[] {SocketBuffers.sendBuffer(probe), SocketBuffers.receiveBuffer(listener)};
            }
            return new ListeningSocket(listener, mptcpPort, buffers);
        } catch (IOException e) {
            StreamFactory.closeQuietly(listener);
            throw new IperfException(ErrorCode.LISTEN, IoErrno.describe(e), e);
        }
    }

    /** The bound port (useful with port 0). */
    int port() {
        if (mptcpPort > 0) {
            return mptcpPort; // the JDK still reports the ephemeral port it bound first
        }
        try {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
     * The next connection; with {@code idleTimeoutSec} > 0, null when nobody connected
     * in that time (a one-off server with {@code --idle-timeout} then exits, status 0, as iperf3).
     */
    SocketChannel accept(int idleTimeoutSec) throws IOException {
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
        StreamFactory.closeQuietly(listener);
    }
}
