package io.iperf3j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The server side of {@link RttProbe}: answers the probes of the clients of running tests on the
 * server's own UDP port (the port firewalls open for iperf3). The server's UDP router hands it the
 * first datagram from a test's client address that is not a UDP stream's 4-byte connect; when
 * {@link #isProbeRequest} takes it, {@link #answer} opens a socket on the server's address and port,
 * connected to that client's probe socket, so the client's next datagrams reach it and nothing else.
 * One probe per test; the server closes it when the test ends. Bounds (answers per second, bytes
 * before the client proves its address) are the implementation's: it must never send more than a
 * probe's size per probe.
 *
 * <p>Threads: both methods run on the server's UDP acceptor thread; {@link Answering#close()} on a
 * test thread.
 */
public interface RttResponder {
    /** Whether {@code datagram} (position to limit; do not keep it) opens a probe. Pure, cheap. */
    boolean isProbeRequest(ByteBuffer datagram);

    /**
     * Starts answering the probes from {@code client} on a UDP socket bound to {@code local} (shared with
     * the server's other UDP sockets: SO_REUSEADDR) and connected to {@code client}.
     */
    Answering answer(InetSocketAddress local, InetSocketAddress client) throws IOException;

    /** A running answerer. */
    interface Answering extends AutoCloseable {
        /** Stops answering and frees the socket; never throws. */
        @Override
        void close();
    }
}
