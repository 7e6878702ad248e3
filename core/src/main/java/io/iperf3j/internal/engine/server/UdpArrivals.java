package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.engine.udp.UdpStreamRouter;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.DatagramChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A test's UDP stream sockets as the router hands them over, and its turn to set up
 * streams: when another test from the client's IP is setting up, CREATE_STREAMS waits
 * for the grant. The router's thread (or another test's, through the router's
 * {@code forget}) offers and grants; the test thread registers, drains and closes.
 */
final class UdpArrivals implements UdpStreamRouter.Sink {
    private final Queue<DatagramChannel> arriving = new ConcurrentLinkedQueue<>();
    private final Runnable wake;
    /** Test thread: registered without the grant; CREATE_STREAMS waits for {@link #granted}. */
    private boolean awaitingGrant;
    private volatile boolean granted;

    /** @param wake wakes the test thread (its selector) */
    UdpArrivals(Runnable wake) {
        this.wake = wake;
    }

    /**
     * Tells the router the test wants {@code count} streams from {@code client}.
     *
     * @return whether the test may send CREATE_STREAMS now (else {@link #takeGrant()} says when)
     * @throws IOException when the server's UDP port cannot be bound
     */
    boolean register(UdpStreamRouter router, InetAddress client, int count) throws IOException {
        awaitingGrant = !router.expect(this, client, count);
        return !awaitingGrant;
    }

    /** Whether the test still waits for its turn. */
    boolean awaitingGrant() {
        return awaitingGrant;
    }

    /** True once, when a test that waited for its turn got it (it sends CREATE_STREAMS then). */
    boolean takeGrant() {
        if (awaitingGrant && granted) {
            awaitingGrant = false;
            return true;
        }
        return false;
    }

    /** A UDP stream socket connected to this test's client arrived (UDP acceptor thread). */
    @Override
    public void offerUdpStream(DatagramChannel ch) {
        arriving.add(ch);
        wake.run();
    }

    @Override
    public void udpSetupGranted() {
        granted = true;
        wake.run();
    }

    /** The next socket that arrived, or null. */
    DatagramChannel poll() {
        return arriving.poll();
    }

    /** Closes the sockets that arrived and were not taken. */
    void close() {
        DatagramChannel dc;
        while ((dc = arriving.poll()) != null) {
            StreamFactory.closeQuietly(dc);
        }
    }
}
