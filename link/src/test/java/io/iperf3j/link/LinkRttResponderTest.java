package io.iperf3j.link;

import io.iperf3j.RttFigures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server half of {@code --latency} on loopback: recognizing a probe's first datagram, answering one
 * client on a port another socket holds (as {@code iperf3j -s}'s UDP router holds it), and the pong
 * rate bound.
 */
@Timeout(30)
class LinkRttResponderTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** An unconnected socket on a free loopback port with SO_REUSEADDR: the router's acceptor. */
    private static DatagramChannel acceptor() throws Exception {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(new InetSocketAddress(LOOPBACK, 0));
        return ch;
    }

    private static InetSocketAddress receive(DatagramChannel ch, ByteBuffer into) throws Exception {
        into.clear();
        InetSocketAddress from = (InetSocketAddress) ch.receive(into);
        into.flip();
        return from;
    }

    @Test
    void aProbesFirstDatagramIsRecognizedAndNothingElse() throws Exception {
        LinkRttResponder r = new LinkRttResponder();
        try (DatagramChannel acceptor = acceptor();
             LatencyProbe probe = LatencyProbe.start((InetSocketAddress) acceptor.getLocalAddress(), Duration.ofMillis(10),
                     LinkConfig.defaults())) {
            ByteBuffer b = ByteBuffer.allocate(2048);
            receive(acceptor, b);
            assertThat(b.remaining()).as("a connect request").isEqualTo(7);
            assertThat(r.isProbeRequest(b.duplicate())).isTrue();
            assertThat(probe.state()).isEqualTo(LinkState.CONNECTING);
        }
        assertThat(r.isProbeRequest(ByteBuffer.wrap(new byte[] {0, 0, 0, 1}))).as("a UDP stream's connect").isFalse();
        assertThat(r.isProbeRequest(ByteBuffer.wrap(new byte[64]))).as("zeros").isFalse();
        assertThat(r.isProbeRequest(ByteBuffer.wrap("hello, iperf3".getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(r.isProbeRequest(ByteBuffer.allocate(0))).isFalse();
    }

    /**
     * The answerer binds the acceptor's port too, connected to the probe: the probe's resent connect
     * and its pings reach it, while another sender's datagrams still reach the acceptor.
     */
    @Test
    void answersOneClientOnASharedPortAndLeavesTheRestToTheOtherSocket() throws Exception {
        try (DatagramChannel acceptor = acceptor()) {
            InetSocketAddress port = (InetSocketAddress) acceptor.getLocalAddress();
            try (LatencyProbe probe = LatencyProbe.start(port, Duration.ofMillis(10), LinkConfig.defaults())) {
                ByteBuffer b = ByteBuffer.allocate(2048);
                InetSocketAddress client = receive(acceptor, b);
                RttResponderAnswer answer = new RttResponderAnswer(new LinkRttResponder().answer(port, client));
                try (answer) {
                    assertThat(probe.awaitConnected(Duration.ofSeconds(5))).as("probe error: %s", probe.error()).isTrue();
                    Thread.sleep(500);
                    RttFigures s = probe.takePhase();
                    assertThat(s.count()).as("pings answered in 0.5 s").isBetween(25L, 60L);
                    assertThat(s.p50Micros()).isPositive();
                    try (DatagramChannel other = DatagramChannel.open()) {
                        other.send(ByteBuffer.wrap("other".getBytes(StandardCharsets.UTF_8)), port);
                        acceptor.configureBlocking(true);
                        InetSocketAddress from = receive(acceptor, b);
                        assertThat(from).isEqualTo(other.getLocalAddress() instanceof InetSocketAddress a
                                ? new InetSocketAddress(LOOPBACK, a.getPort()) : null);
                        assertThat(StandardCharsets.UTF_8.decode(b).toString()).isEqualTo("other");
                    }
                }
            }
        }
    }

    /** Pings beyond the answerer's rate go unanswered and are counted. */
    @Test
    void pongsAreRateLimitedPerClient() throws Exception {
        try (DatagramChannel acceptor = acceptor()) {
            InetSocketAddress port = (InetSocketAddress) acceptor.getLocalAddress();
            try (LatencyProbe probe = LatencyProbe.start(port, Duration.ofMillis(4), LinkConfig.defaults())) {
                InetSocketAddress client = receive(acceptor, ByteBuffer.allocate(2048));
                ProbeResponder r = ProbeResponder.answerOne(port, client, LinkConfig.defaults().withPongRate(50, 5));
                try {
                    assertThat(probe.awaitConnected(Duration.ofSeconds(5))).isTrue();
                    probe.takePhase();
                    Thread.sleep(1000);
                    RttFigures s = probe.takePhase();
                    // ~250 pings in 1 s against 50 pongs/s + a burst of 5
                    assertThat(s.count()).as("answered in 1 s").isBetween(30L, 70L);
                    assertThat(r.metrics().pongsWithheld()).as("withheld").isGreaterThan(100);
                    assertThat(r.clients()).isEqualTo(1);
                } finally {
                    r.close();
                }
            }
        }
    }

    /** Closes an answerer in try-with-resources. */
    private record RttResponderAnswer(io.iperf3j.RttResponder.Answering a) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
        }
    }
}
