package io.iperf3j.link;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The server side of {@link LatencyProbe}: a {@link LinkServer} in background mode that accepts
 * every client within its bounds and answers pings, at most {@link LinkConfig#pongsPerSecond()} per
 * client (the rest go unanswered and are counted), with {@link LinkConfig#maxPeers()} clients at
 * most. A pong is the size of its ping, and nothing bigger than the request goes to a client that
 * has not confirmed its address, so the responder amplifies nothing.
 */
public final class ProbeResponder implements AutoCloseable {
    private final LinkServer server;

    private ProbeResponder(LinkServer server) {
        this.server = server;
    }

    /** Binds {@code address} (port 0: any free port) and starts answering. */
    public static ProbeResponder start(InetSocketAddress address, LinkConfig config) throws IOException {
        LinkServer s = new LinkServer(MessageTypes.none(), config, null);
        s.listen(address);
        try {
            s.startBackground();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new ProbeResponder(s);
    }

    /**
     * Answers one client only, on a socket bound to {@code local} shared with other sockets
     * (SO_REUSEADDR: an iperf3j server's UDP port) and connected to {@code client}, so it hears that
     * client and nothing else. The peer bound is 1.
     */
    public static ProbeResponder answerOne(InetSocketAddress local, InetSocketAddress client, LinkConfig config)
            throws IOException {
        LinkServer s = new LinkServer(MessageTypes.none(), config.withPeerBounds(1, 1), null);
        try {
            s.listen(local, client);
            s.startBackground();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return new ProbeResponder(s);
    }

    public InetSocketAddress localAddress() throws IOException {
        return server.localAddress();
    }

    public ServerMetrics metrics() {
        return server.metrics();
    }

    /** Clients connected now. */
    public int clients() {
        return server.peers().size();
    }

    @Override
    public void close() {
        server.disconnectAll();
        server.close();
    }
}
