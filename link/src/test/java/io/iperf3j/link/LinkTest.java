package io.iperf3j.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Client and server on loopback, in pump mode and in background mode, with and without a lossy relay. */
@Timeout(120)
class LinkTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Collects what the server's peers receive and echoes nothing. */
    static final class Sink implements ServerListener {
        final ConcurrentLinkedQueue<Record> messages = new ConcurrentLinkedQueue<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final AtomicInteger disconnects = new AtomicInteger();
        volatile boolean accept = true;

        @Override
        public boolean onConnectRequest(Peer peer) {
            return accept;
        }

        @Override
        public void onMessage(Peer peer, Record message) {
            messages.add(message);
        }

        @Override
        public void onError(Peer peer, String text) {
            errors.add(text);
        }

        @Override
        public void onDisconnect(Peer peer) {
            disconnects.incrementAndGet();
        }
    }

    static final class Events implements ClientListener {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();
        final AtomicReference<String> error = new AtomicReference<>();
        final ConcurrentLinkedQueue<Record> messages = new ConcurrentLinkedQueue<>();

        @Override
        public void onConnectAccepted(LinkClient client) {
            accepted.incrementAndGet();
        }

        @Override
        public void onConnectRejected(LinkClient client) {
            rejected.incrementAndGet();
        }

        @Override
        public void onError(LinkClient client, String text) {
            error.set(text);
        }

        @Override
        public void onMessage(LinkClient client, Record message) {
            messages.add(message);
        }
    }

    @Test
    void pumpModeConnectsAndDeliversEveryKindBothWays() throws Exception {
        Sink sink = new Sink();
        Events ev = new Events();
        try (LinkServer server = new LinkServer(Msg.types(), LinkConfig.defaults(), sink);
             LinkClient client = new LinkClient(Msg.types(), LinkConfig.defaults(), ev)) {
            server.listen(ANY_LOOPBACK);
            assertThat(server.state()).isEqualTo(LinkState.LISTENING);
            client.connect(server.localAddress());
            assertThat(client.state()).isEqualTo(LinkState.CONNECTING);
            for (int i = 0; i < 200 && client.state() != LinkState.CONNECTED; i++) {
                server.update();
                client.update();
                Thread.sleep(1);
            }
            assertThat(client.state()).isEqualTo(LinkState.CONNECTED);
            assertThat(ev.accepted).hasValue(1);
            assertThat(client.send(new Msg.Seq(1, 0), Delivery.UNRELIABLE).queued()).isTrue();
            assertThat(client.send(new Msg.Seq(2, 0), Delivery.RELIABLE).queued()).isTrue();
            assertThat(client.send(new Msg.Seq(3, 0), Delivery.ORDERED).queued()).isTrue();
            for (int i = 0; i < 200 && (sink.messages.size() < 3 || client.metrics().pendingAcks() > 0); i++) {
                client.update();
                server.update();
                Thread.sleep(1);
            }
            assertThat(sink.messages).containsExactlyInAnyOrder(new Msg.Seq(1, 0), new Msg.Seq(2, 0), new Msg.Seq(3, 0));
            assertThat(client.metrics().pendingAcks()).isZero();
            Peer peer = server.peers().getFirst();
            assertThat(peer.send(new Msg.Chat(3, "hi", "t", true, 1.5, 9), Delivery.ORDERED).queued()).isTrue();
            for (int i = 0; i < 200 && ev.messages.isEmpty(); i++) {
                server.update();
                client.update();
                Thread.sleep(1);
            }
            assertThat(ev.messages).containsExactly(new Msg.Chat(3, "hi", "t", true, 1.5, 9));
            LinkMetrics m = client.metrics();
            assertThat(m.outMessages()).isGreaterThanOrEqualTo(3);
            assertThat(m.inMessages()).isGreaterThanOrEqualTo(1);
            assertThat(m.inPackets()).isPositive();
            assertThat(m.outPackets()).isPositive();
            assertThat(m.rttSamples()).as("a ping answered").isPositive();
            assertThat(m.latencyMillis()).isPositive();
            client.disconnect();
            assertThat(client.state()).isEqualTo(LinkState.DISCONNECTED);
            for (int i = 0; i < 200 && sink.disconnects.get() == 0; i++) {
                server.update();
                Thread.sleep(1);
            }
            assertThat(sink.disconnects).hasValue(1);
            assertThat(server.peers()).isEmpty();
        }
    }

    @Test
    void rejectingServerGivesTheClientItsRejectedEvent() throws Exception {
        Sink sink = new Sink();
        sink.accept = false;
        Events ev = new Events();
        try (LinkServer server = new LinkServer(Msg.types(), LinkConfig.defaults(), sink);
             LinkClient client = new LinkClient(Msg.types(), LinkConfig.defaults(), ev)) {
            server.listen(ANY_LOOPBACK);
            server.startBackground();
            client.connect(server.localAddress());
            client.startBackground();
            assertThat(Await.until(5000, () -> ev.rejected.get() > 0)).isTrue();
            assertThat(client.state()).isEqualTo(LinkState.ERRORED);
            assertThat(ev.accepted).hasValue(0);
            assertThat(server.metrics().rejected()).isEqualTo(1);
            assertThat(server.metrics().peers()).isZero();
        }
    }

    @Test
    void clientStartedBeforeItsServerRetriesUntilTheServerComes() throws Exception {
        InetSocketAddress reserved;
        try (var s = new java.net.DatagramSocket(ANY_LOOPBACK)) {
            reserved = (InetSocketAddress) s.getLocalSocketAddress();
        }
        Events ev = new Events();
        LinkConfig cfg = LinkConfig.defaults().withTimeout(Duration.ofSeconds(5));
        try (LinkClient client = new LinkClient(Msg.types(), cfg, ev);
             LinkServer server = new LinkServer(Msg.types(), cfg, new Sink())) {
            client.connect(reserved);
            client.startBackground();
            Thread.sleep(1500); // ICMP port unreachable comes back for every request meanwhile
            assertThat(client.state()).isEqualTo(LinkState.CONNECTING);
            assertThat(client.metrics().resends()).as("connect request resent").isPositive();
            server.listen(reserved);
            server.startBackground();
            assertThat(Await.until(4000, () -> client.state() == LinkState.CONNECTED)).isTrue();
        }
    }

    @Test
    void clientWithoutServerGivesUpAtTheConnectTimeout() throws Exception {
        InetSocketAddress nobody;
        try (var s = new java.net.DatagramSocket(ANY_LOOPBACK)) {
            nobody = (InetSocketAddress) s.getLocalSocketAddress();
        }
        Events ev = new Events();
        LinkConfig cfg = LinkConfig.defaults().withTimeout(Duration.ofSeconds(2));
        try (LinkClient client = new LinkClient(Msg.types(), cfg, ev)) {
            long t0 = System.nanoTime();
            client.connect(nobody);
            client.startBackground();
            assertThat(Await.until(5000, () -> ev.error.get() != null)).isTrue();
            double took = (System.nanoTime() - t0) / 1e9;
            assertThat(ev.error.get()).isEqualTo("Connection timed out");
            assertThat(took).isBetween(1.8, 2.2 + 0.3);
            assertThat(client.state()).isEqualTo(LinkState.ERRORED);
        }
    }

    /** 70 000 reliable and ordered messages: ids wrap past 65 535 (legume's struct.pack failed there). */
    @Test
    void idsWrapPastTheU16RangeAndEveryMessageArrivesOnceInOrder() throws Exception {
        runThrough(70_000, Relay.pass(), Relay.pass(), 0);
    }

    /** Every datagram arrives twice: the duplicate filter drops the second copy of each message. */
    @Test
    void duplicatesAreFiltered() throws Exception {
        LinkMetrics m = runThrough(5_000, Relay.duplicate(), Relay.pass(), 0);
        assertThat(m.duplicatesDropped()).as("server-side duplicates").isPositive();
    }

    /**
     * Acks towards the client are lost for a while: the client resends, the server sees duplicates and
     * must ack them again (legume acked only first copies, so a lost ack meant resending forever).
     */
    @Test
    void duplicatesAreAckedAgainSoPendingAcksDrain() throws Exception {
        runThrough(5_000, Relay.pass(), Relay.drop(0.5, 42), 1);
    }

    /** Loss and reordering in both directions: ordered messages still come in order, exactly once. */
    @Test
    void orderedChannelKeepsOrderThroughLossAndReordering() throws Exception {
        Relay.Policy lossyReorder = d -> {
            throw new UnsupportedOperationException();
        };
        Relay.Policy reorder = Relay.reorder(3, 4);
        Relay.Policy drop = Relay.drop(0.1, 7);
        lossyReorder = d -> {
            List<byte[]> out = new ArrayList<>();
            for (byte[] x : drop.on(d)) {
                out.addAll(reorder.on(x));
            }
            return out;
        };
        LinkMetrics server = runThrough(20_000, lossyReorder, Relay.drop(0.1, 8), 2);
        assertThat(server.reorderQueue()).as("drained at the end").isZero();
    }

    /**
     * Sends {@code count} messages (alternating reliable and ordered, stream 0 and 1) from the client to
     * the server through a relay; checks every one arrives exactly once, the ordered ones in order, and
     * the client's pending acks return to 0. Returns the server peer's metrics.
     */
    private LinkMetrics runThrough(int count, Relay.Policy up, Relay.Policy down, int mode) throws Exception {
        Sink sink = new Sink();
        AtomicInteger maxReorder = new AtomicInteger();
        try (LinkServer server = new LinkServer(Msg.types(), LinkConfig.defaults(), sink)) {
            server.listen(ANY_LOOPBACK);
            server.startBackground();
            try (Relay relay = new Relay(server.localAddress(), Relay.pass(), Relay.pass());
                 LinkClient client = new LinkClient(Msg.types(), LinkConfig.defaults(), null)) {
                client.connect(relay.address());
                client.startBackground();
                assertThat(Await.until(5000, () -> client.state() == LinkState.CONNECTED && !server.peers().isEmpty()))
                        .isTrue();
                relay.toServer = up;
                relay.toClient = down;
                Peer peer = server.peers().getFirst();
                for (int i = 0; i < count; i++) {
                    Delivery d = i % 2 == 0 ? Delivery.RELIABLE : Delivery.ORDERED;
                    while (!client.send(new Msg.Seq(i, i % 2), d).queued()) {
                        maxReorder.accumulateAndGet((int) peer.metrics().reorderQueue(), Math::max);
                        Thread.sleep(1);
                    }
                    if (i % 500 == 0) {
                        maxReorder.accumulateAndGet((int) peer.metrics().reorderQueue(), Math::max);
                    }
                }
                assertThat(Await.until(60_000, () -> sink.messages.size() >= count && client.metrics().pendingAcks() == 0))
                        .as("all %d arrive (%d so far), pending acks %d", count, sink.messages.size(),
                                client.metrics().pendingAcks()).isTrue();
                Thread.sleep(100);
                List<Integer> reliable = new ArrayList<>();
                List<Integer> ordered = new ArrayList<>();
                for (Record r : sink.messages) {
                    Msg.Seq s = (Msg.Seq) r;
                    (s.stream() == 0 ? reliable : ordered).add(s.n());
                }
                assertThat(reliable.size() + ordered.size()).isEqualTo(count);
                List<Integer> sortedReliable = new ArrayList<>(reliable);
                Collections.sort(sortedReliable);
                for (int k = 0; k < sortedReliable.size(); k++) {
                    assertThat(sortedReliable.get(k)).isEqualTo(2 * k);
                }
                for (int k = 0; k < ordered.size(); k++) {
                    assertThat(ordered.get(k)).as("ordered message %d", k).isEqualTo(2 * k + 1);
                }
                LinkMetrics cm = client.metrics();
                assertThat(cm.pendingAcks()).isZero();
                if (mode >= 1) {
                    assertThat(cm.resends()).as("resends").isPositive();
                    assertThat(peer.metrics().duplicatesDropped()).as("duplicates seen and acked").isPositive();
                }
                if (mode == 2) {
                    assertThat(maxReorder.get()).as("reorder queue rose").isPositive();
                }
                return peer.metrics();
            }
        }
    }
}
