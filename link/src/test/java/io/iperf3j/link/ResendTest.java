package io.iperf3j.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliable messages over loopback, which loses nothing but what a full socket buffer drops: resends
 * must come from real loss only. Both ends run in pump mode on one manual clock advanced 1 ms per
 * round, so no timer fires by the machine's timing (with a clock of its own a link takes a datagram's
 * arrival as the clock's time when it is read): every figure here follows from the protocol.
 * (The bench, 200 000 msg/s reliable on loopback, had 150 000 to 290 000 resends in 5 s before: the
 * sender overran the receiver's socket buffer, and acks slower than the 10 ms floor were never
 * learned, docs/design/link.md "Resends on a lossless path".)
 */
@Timeout(60)
class ResendTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** 68 bytes on the wire: header 5, type 1, length 2, 60 bytes. */
    private static final Msg.Blob MESSAGE = new Msg.Blob("x".repeat(60));

    private static final class Count implements ServerListener {
        final AtomicInteger received = new AtomicInteger();

        @Override
        public void onMessage(Peer peer, Record message) {
            received.incrementAndGet();
        }
    }

    private static void connect(LinkServer server, LinkClient client) throws Exception {
        server.listen(ANY_LOOPBACK);
        client.connect(server.localAddress());
        for (int i = 0; i < 500 && (client.state() != LinkState.CONNECTED || server.peers().isEmpty()); i++) {
            client.update();
            server.update();
            Thread.sleep(1);
        }
        assertThat(client.state()).isEqualTo(LinkState.CONNECTED);
    }

    /**
     * 8 192 messages queued at once (557 KB): sent all at once they are 398 datagrams, about 900 KB of
     * kernel memory, against the 208 KiB a socket buffer has by default, so the kernel dropped most of
     * them and each round of resends again. The send window (64 KiB) fits the buffer: nothing is lost,
     * so nothing may be resent.
     */
    @Test
    void aBurstFitsTheReceiversSocketBufferSoNothingIsResent() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        LinkConfig config = LinkConfig.defaults().withClock(clock::get);
        Count count = new Count();
        try (LinkServer server = new LinkServer(Msg.types(), config, count);
             LinkClient client = new LinkClient(Msg.types(), config, null)) {
            connect(server, client);
            int n = config.maxQueuedMessages();
            for (int i = 0; i < n; i++) {
                assertThat(client.send(MESSAGE, Delivery.RELIABLE).queued()).isTrue();
            }
            int rounds = 0;
            while (rounds < 2000 && (count.received.get() < n || client.metrics().pendingAcks() > 0)) {
                client.update();
                server.update();
                clock.addAndGet(1_000_000L);
                rounds++;
            }
            LinkMetrics m = client.metrics();
            report("burst of %d: %d rounds (ms), %d resends, %d datagrams out, server got %d, duplicates %d", n, rounds,
                    m.resends(), m.outPackets(), count.received.get(), server.peers().getFirst().metrics().duplicatesDropped());
            assertThat(count.received.get()).isEqualTo(n);
            assertThat(m.pendingAcks()).isZero();
            assertThat(m.resends()).as("resends on a path that lost nothing").isZero();
            assertThat(server.peers().getFirst().metrics().duplicatesDropped()).isZero();
        }
        // The window holds at least one full datagram.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LinkConfig.defaults().withMaxInFlightBytes(1399))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlightBytes must be 1400..");
    }

    /**
     * The receiver runs once every 25 ms (a busy thread), the sender every 1 ms with 20 messages: an ack
     * is read 1 to 25 ms after its message was sent, the slowest ones from the first cycle on, so acks
     * slower than the 10 ms floor are the rule. Before, only
     * acks of messages sent once were measured (Karn's rule), i.e. only the fast ones, the resend delay
     * never grew past them and a steady share of the messages (those whose ack took longest) was resent
     * although it had arrived. Now every unambiguous ack counts (the ack says which copy it answers) and
     * the delay covers the slowest one of the last seconds: after the first cycle nothing is resent.
     */
    @Test
    void acksSlowerThanTheResendFloorAreLearnedSoNothingIsResent() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        LinkConfig config = LinkConfig.defaults().withClock(clock::get);
        Count count = new Count();
        int cycle = 25;
        int perRound = 20;
        int rounds = 400;
        try (LinkServer server = new LinkServer(Msg.types(), config, count);
             LinkClient client = new LinkClient(Msg.types(), config, null)) {
            connect(server, client);
            int sent = 0;
            for (int r = 0; r < rounds + 2 * cycle; r++) {
                if (r < rounds) {
                    for (int i = 0; i < perRound; i++) {
                        assertThat(client.send(MESSAGE, Delivery.RELIABLE).queued()).isTrue();
                        sent++;
                    }
                }
                client.update();
                if (r % cycle == cycle - 1) {
                    server.update(); // its acks are read at the sender's next update, 1 ms later
                }
                clock.addAndGet(1_000_000L);
            }
            LinkMetrics m = client.metrics();
            long duplicates = server.peers().getFirst().metrics().duplicatesDropped();
            report("receiver every %d ms: %d messages, %d resends, %d duplicates at the server, resend delay %d us", cycle,
                    sent, m.resends(), duplicates, m.retransmitTimeoutMicros());
            assertThat(count.received.get()).isEqualTo(sent);
            assertThat(m.pendingAcks()).isZero();
            assertThat(m.resends()).as("resends of %d messages none of which was lost", sent).isZero();
            assertThat(duplicates).isZero();
            assertThat(m.retransmitTimeoutMicros()).as("the slowest ack (25 ms) is covered").isGreaterThanOrEqualTo(24_000);
        }
    }

    private static void report(String format, Object... args) throws Exception {
        Path out = Path.of("target", "link-resends.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.format(java.util.Locale.ROOT, format, args) + System.lineSeparator(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
