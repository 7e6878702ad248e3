package io.iperf3j.link;

import io.iperf3j.link.internal.LinkConnection;
import io.iperf3j.link.internal.SystemMessages;
import io.iperf3j.link.internal.TokenBucket;

import java.net.InetSocketAddress;

/**
 * A server's view of one client (legume's {@code ServerPeer}). Created when a connect request
 * arrives; <em>half-open</em> until the client answers the accept, then connected. Its methods may
 * be called from any thread (they take the server's lock).
 */
public final class Peer {
    private final LinkServer server;
    private final InetSocketAddress address;
    LinkConnection connection;
    final TokenBucket pongs;
    boolean halfOpen = true;
    boolean gone;
    /** Bytes this (half-open) peer sent us minus what we sent it: the anti-amplification budget. */
    long credit;

    Peer(LinkServer server, InetSocketAddress address, TokenBucket pongs) {
        this.server = server;
        this.address = address;
        this.pongs = pongs;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Whether the handshake finished and the peer has not left. */
    public boolean connected() {
        return server.withLock(() -> !halfOpen && !gone);
    }

    /** Queues a message for this peer; a message that can never fit throws IllegalArgumentException. */
    public SendResult send(Record message, Delivery delivery) {
        return server.sendTo(this, message, delivery);
    }

    /** Sends {@code Disconnected} and forgets the peer (no event). */
    public void disconnect() {
        server.disconnect(this);
    }

    /** This peer's counters now. */
    public LinkMetrics metrics() {
        return server.withLock(() -> connection.metrics());
    }

    void queueSystem(Record message, Delivery delivery) {
        connection.sendSystem(message, delivery);
    }

    void queueDisconnected() {
        connection.sendSystem(new SystemMessages.Disconnected(), Delivery.UNRELIABLE);
    }

    @Override
    public String toString() {
        return "Peer[" + address + "]";
    }
}
