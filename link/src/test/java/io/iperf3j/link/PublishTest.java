package io.iperf3j.link;

import io.iperf3j.MetricEvent;
import io.iperf3j.MetricsStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code publishTo}: the endpoints' figures as {@link MetricEvent.Gauges} on the pump's timer. */
@Timeout(60)
class PublishTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static List<MetricEvent.Gauges> drain(MetricsStream s) {
        List<MetricEvent.Gauges> out = new ArrayList<>();
        while (s.tryRecv() instanceof MetricsStream.Poll.Event(MetricEvent e)) {
            out.add((MetricEvent.Gauges) e);
        }
        return out;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Test
    void pumpModePublishesOncePerPeriodOfTheEndpointsClockAndOnceAtTheEnd() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        LinkConfig config = LinkConfig.defaults().withClock(clock::get);
        MetricsStream clientStream = MetricsStream.open(64);
        MetricsStream serverStream = MetricsStream.open(64);
        try (LinkServer server = new LinkServer(Msg.types(), config, null);
             LinkClient client = new LinkClient(Msg.types(), config, null)) {
            server.listen(ANY_LOOPBACK);
            server.publishTo(serverStream, Duration.ofMillis(100));
            client.publishTo(clientStream, Duration.ofMillis(100));
            client.connect(server.localAddress());
            for (int i = 0; i < 500 && (client.state() != LinkState.CONNECTED || server.peers().isEmpty()); i++) {
                server.update();
                client.update();
                Thread.sleep(1);
            }
            assertThat(client.state()).isEqualTo(LinkState.CONNECTED);
            drain(clientStream); // sets of the handshake's updates (the clock stood still meanwhile)
            drain(serverStream);
            clock.addAndGet(100_000_000L);
            client.update();
            server.update();
            // One set each per period: the figures as they were at the end of that update.
            assertThat(drain(clientStream)).singleElement().satisfies(g -> {
                assertThat(g.source()).isEqualTo("link_client");
                assertThat(g.instance()).isEqualTo(hostPort(server.localAddress()));
                assertThat(g.monotonicNanos()).isEqualTo(clock.get());
                assertThat(g.values()).isEqualTo(client.metrics().gauges());
            });
            assertThat(drain(serverStream)).singleElement().satisfies(g -> {
                assertThat(g.source()).isEqualTo("link_server");
                assertThat(g.instance()).isEqualTo(hostPort(client.localAddress()));
                assertThat(g.values()).isEqualTo(server.peers().getFirst().metrics().gauges());
            });

            clock.addAndGet(50_000_000L);
            client.update();
            server.update();
            assertThat(drain(clientStream)).isEmpty();
            assertThat(drain(serverStream)).isEmpty();
            clock.addAndGet(50_000_000L);
            client.update();
            server.update();
            assertThat(drain(clientStream)).hasSize(1);
            assertThat(drain(serverStream)).hasSize(1);
            clock.addAndGet(1_000_000_000L); // a late update: one set, not ten to catch up
            client.update();
            client.update();
            assertThat(drain(clientStream)).hasSize(1);

            assertThat(client.send(new Msg.Seq(7, 0), Delivery.RELIABLE).queued()).isTrue();
            for (int i = 0; i < 500 && client.metrics().outBufferBytes() > 0; i++) { // queued or unacked
                client.update();
                server.update();
                Thread.sleep(1);
            }
            client.disconnect();
            // The final figures, offered when the connection ends.
            assertThat(drain(clientStream)).singleElement().satisfies(g -> {
                assertThat(g.values()).isEqualTo(client.metrics().gauges());
                assertThat(g.values()).containsEntry("out_messages", client.metrics().outMessages() * 1.0)
                        .containsEntry("pending_acks", 0.0);
            });
            for (int i = 0; i < 500 && !server.peers().isEmpty(); i++) {
                server.update();
                Thread.sleep(1);
            }
            // (a round fell due on the way: the server's clock moved 1 s since its last update), then the final set
            List<MetricEvent.Gauges> serverSets = drain(serverStream);
            assertThat(serverSets).hasSize(2);
            assertThat(serverSets.getLast().values().get("in_messages")).isGreaterThanOrEqualTo(2.0); // accept's answer, Seq 7
            assertThat(clientStream.droppedEvents()).isZero();
            assertThat(clientStream.isClosed()).as("the stream's owner closes it").isFalse();
        }
    }

    @Test
    void backgroundModePublishesWhileRunningAndTheLastSetIsTheFinalFigures() throws Exception {
        MetricsStream stream = MetricsStream.open(4096);
        try (LinkServer server = new LinkServer(Msg.types(), LinkConfig.defaults(), null);
             LinkClient client = new LinkClient(Msg.types(), LinkConfig.defaults(), null)) {
            server.listen(ANY_LOOPBACK);
            server.startBackground();
            client.connect(server.localAddress());
            client.publishTo(stream, Duration.ofMillis(20));
            client.startBackground();
            assertThat(Await.until(5000, () -> client.state() == LinkState.CONNECTED)).isTrue();
            int sent = 0;
            for (int i = 0; i < 2000; i++) {
                if (client.send(new Msg.Seq(i, 0), Delivery.RELIABLE).queued()) {
                    sent++;
                }
            }
            assertThat(Await.until(10_000, () -> client.metrics().pendingAcks() == 0)).isTrue();
            // The first ping's sample settles when the server's PongHeld comes (at most 200 ms after the pong):
            // disconnecting before that left no sample at all (seen under load; no sample was dropped).
            assertThat(Await.until(5000, () -> client.metrics().rttSamples() > 0)).as("a ping answered").isTrue();
            MetricsStream.Poll p = stream.recv(Duration.ofSeconds(5));
            assertThat(p).isInstanceOf(MetricsStream.Poll.Event.class);
            client.disconnect();
            List<MetricEvent.Gauges> all = drain(stream);
            assertThat(all).isNotEmpty();
            MetricEvent.Gauges last = all.getLast();
            assertThat(last.values()).isEqualTo(client.metrics().gauges());
            assertThat(last.values().get("out_messages")).isGreaterThanOrEqualTo(sent);
            assertThat(last.values().get("rtt_samples")).isPositive();
            assertThat(last.values().get("rtt_p50_seconds")).isPositive().isLessThan(1.0);
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i).monotonicNanos()).isGreaterThanOrEqualTo(all.get(i - 1).monotonicNanos());
                assertThat(all.get(i).values().get("out_bytes")).isGreaterThanOrEqualTo(all.get(i - 1).values().get("out_bytes"));
            }
        }
    }

    @Test
    void publishingPeriodOutsideItsBoundsIsRefused() {
        try (LinkClient client = new LinkClient(Msg.types(), LinkConfig.defaults(), null)) {
            MetricsStream s = MetricsStream.open(1);
            assertThatThrownBy(() -> client.publishTo(s, Duration.ofMillis(9))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("publishing period must be 10 ms..1 h");
            assertThatThrownBy(() -> client.publishTo(s, Duration.ofHours(2))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.publishTo(null, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void theLatencyProbePublishesItsRoundTripQuantilesAsSourceLatency() throws Exception {
        MetricsStream stream = MetricsStream.open(1024);
        try (ProbeResponder responder = ProbeResponder.start(ANY_LOOPBACK, LinkConfig.defaults());
             LatencyProbe probe = LatencyProbe.start(responder.localAddress(), Duration.ofMillis(10), LinkConfig.defaults())) {
            assertThat(probe.awaitConnected(Duration.ofSeconds(5))).isTrue();
            probe.publishTo(stream, Duration.ofMillis(20));
            MetricEvent.Gauges withSamples = null;
            long end = System.nanoTime() + 10_000_000_000L;
            while (withSamples == null && System.nanoTime() < end) {
                if (stream.recv(Duration.ofMillis(100)) instanceof MetricsStream.Poll.Event(MetricEvent.Gauges g)
                        && g.values().get("rtt_samples") >= 5) {
                    withSamples = g;
                }
            }
            assertThat(withSamples).as("a set with 5 round trips").isNotNull();
            assertThat(withSamples.source()).isEqualTo("latency");
            assertThat(withSamples.instance()).isEqualTo(hostPort(responder.localAddress()));
            assertThat(withSamples.values().get("rtt_p50_seconds")).isPositive()
                    .isLessThanOrEqualTo(withSamples.values().get("rtt_p99_seconds"));
            assertThat(withSamples.values().get("rtt_p99_seconds")).isLessThanOrEqualTo(withSamples.values().get("rtt_max_seconds"));
        }
    }
}
