package io.iperf3j.link;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every RTT sample on loopback is a real round trip's network share: above 0 (a round trip cannot take no
 * time; a 0 is two clocks or stamp points mixed in one subtraction) and at most the time from the ping's send
 * call to the moment the sample is made (held time is subtracted, never added), and no answered ping or
 * keep-alive is dropped as unmeasurable. Both directions: the client's pings (the server answers, with a
 * PongHeld from its send stamp) and the server's (the client answers). No wall-clock performance limit.
 */
@Timeout(60)
class RttSampleTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int SAMPLES = 200;

    /** One side's samples: {sent, rtt, wall round trip when the sample was made}, and the dropped ones. */
    private static final class Samples implements LinkClient.RttObserver {
        final List<long[]> taken = new CopyOnWriteArrayList<>();
        final List<long[]> dropped = new CopyOnWriteArrayList<>();

        @Override
        public void rtt(long sentNanos, long rttNanos) {
            taken.add(new long[] {sentNanos, rttNanos, System.nanoTime() - sentNanos});
        }

        @Override
        public void dropped(long measuredNanos, long heldNanos) {
            dropped.add(new long[] {measuredNanos, heldNanos});
        }

        /** Appends a summary to target/rtt-samples.txt (a diagnostic: the run stays quiet). */
        void report(String side, boolean background) throws java.io.IOException {
            long[] rtts = taken.stream().mapToLong(s -> s[1]).sorted().toArray();
            long zeros = java.util.Arrays.stream(rtts).filter(r -> r <= 0).count();
            String line = String.format("%s background=%s samples=%d zero=%d dropped=%d min=%d p50=%d ns%n", side, background,
                    rtts.length, zeros, dropped.size(), rtts.length == 0 ? -1 : rtts[0], rtts.length == 0 ? -1 : rtts[rtts.length / 2]);
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "rtt-samples.txt"), line,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }

        void check(String side) {
            assertThat(dropped).as(side + ": answers dropped as unmeasurable {measured, held}")
                    .extracting(java.util.Arrays::toString).isEmpty();
            for (long[] s : taken) {
                assertThat(s[1]).as(side + ": RTT sample of the ping sent at %d (ns)", s[0]).isPositive();
                assertThat(s[1]).as(side + ": RTT sample vs its wall round trip (ns)").isLessThanOrEqualTo(s[2]);
            }
        }
    }

    @ParameterizedTest(name = "background = {0}")
    @ValueSource(booleans = {false, true})
    void everySampleIsPositiveAndWithinItsRoundTrip(boolean background) throws Exception {
        // A ping every 2 ms each way (the server answers up to 1000/s per peer).
        LinkConfig cfg = LinkConfig.defaults().withPingInterval(Duration.ofMillis(2));
        Samples atClient = new Samples();
        Samples atServer = new Samples();
        try (LinkServer server = new LinkServer(Msg.types(), cfg, new LinkTest.Sink());
             LinkClient client = new LinkClient(Msg.types(), cfg, new LinkTest.Events())) {
            server.observeRtt(atServer);
            client.observeRtt(atClient);
            server.listen(ANY_LOOPBACK);
            client.connect(server.localAddress());
            if (background) {
                server.startBackground();
                client.startBackground();
            }
            for (int i = 0; i < 20_000 && (atClient.taken.size() < SAMPLES || atServer.taken.size() < SAMPLES); i++) {
                if (!background) {
                    client.update();
                    server.update();
                }
                Thread.sleep(0, 200_000);
            }
            assertThat(client.state()).isEqualTo(LinkState.CONNECTED);
            assertThat(atClient.taken).as("client's samples").hasSizeGreaterThanOrEqualTo(SAMPLES);
            assertThat(atServer.taken).as("server's samples").hasSizeGreaterThanOrEqualTo(SAMPLES);
            atClient.report("client", background);
            atServer.report("server", background);
            atClient.check("client");
            atServer.check("server");
        }
    }
}
