package io.iperf3j.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A server facing hostile or broken clients: raw sockets instead of LinkClient. */
@Timeout(60)
class AbuseTest {
    private static final byte[] CONNECT_REQUEST = HexFormat.of().parseHex("0000000002" + "02"
            + String.format("%02x", LinkConfig.PROTOCOL_VERSION));
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static List<byte[]> drain(DatagramSocket s, int waitMillis) throws Exception {
        List<byte[]> out = new ArrayList<>();
        s.setSoTimeout(waitMillis);
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return out;
            }
            out.add(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        }
    }

    @Test
    void answersToUnconfirmedAddressesAreNeverBiggerThanWhatTheySent() throws Exception {
        LinkConfig cfg = LinkConfig.defaults().withPeerBounds(256, 8).withTimeout(Duration.ofSeconds(3));
        try (LinkServer server = new LinkServer(Msg.types(), cfg, null)) {
            server.listen(LOOPBACK);
            server.startBackground();
            List<DatagramSocket> spoofed = new ArrayList<>();
            long sent = 0;
            long received = 0;
            try {
                // 20 "victims": each sends one request and never answers (as a spoofed source would).
                for (int i = 0; i < 20; i++) {
                    DatagramSocket s = new DatagramSocket(LOOPBACK);
                    spoofed.add(s);
                    s.send(new DatagramPacket(CONNECT_REQUEST, CONNECT_REQUEST.length, server.localAddress()));
                    sent += CONNECT_REQUEST.length;
                }
                Thread.sleep(1500); // resend timers of the accepts run meanwhile
                for (DatagramSocket s : spoofed) {
                    for (byte[] d : drain(s, 20)) {
                        received += d.length;
                        assertThat(d.length).as("a reply").isLessThanOrEqualTo(CONNECT_REQUEST.length);
                    }
                }
                ServerMetrics m = server.metrics();
                assertThat(received).as("bytes to unconfirmed addresses").isLessThanOrEqualTo(sent);
                assertThat(m.halfOpen()).as("half-open bound").isEqualTo(8);
                assertThat(m.handshakesDropped()).isEqualTo(12);
                assertThat(m.repliesWithheld()).as("accept resends held back").isPositive();
                // Half-open peers expire with the timeout and make room again.
                assertThat(Await.until(6000, () -> server.metrics().halfOpen() == 0)).isTrue();
                assertThat(server.metrics().peers()).isZero();
            } finally {
                spoofed.forEach(DatagramSocket::close);
            }
        }
    }

    @Test
    void wrongProtocolVersionIsRejectedWithASmallerAnswerAndNoState() throws Exception {
        try (LinkServer server = new LinkServer(Msg.types(), LinkConfig.defaults(), null);
             DatagramSocket s = new DatagramSocket(LOOPBACK)) {
            server.listen(LOOPBACK);
            server.startBackground();
            byte[] legume4 = HexFormat.of().parseHex("0000000002" + "02" + "04");
            s.send(new DatagramPacket(legume4, legume4.length, server.localAddress()));
            List<byte[]> got = drain(s, 500);
            assertThat(got).hasSize(1);
            assertThat(HexFormat.of().formatHex(got.getFirst())).isEqualTo("0000000000" + "03");
            assertThat(server.metrics().rejected()).isEqualTo(1);
            assertThat(server.metrics().halfOpen()).isZero();
        }
    }

    @Test
    void malformedAndStrayDatagramsAreCountedAndDropped() throws Exception {
        try (LinkServer server = new LinkServer(Msg.types(), LinkConfig.defaults(), null);
             DatagramSocket s = new DatagramSocket(LOOPBACK)) {
            server.listen(LOOPBACK);
            server.startBackground();
            for (String hex : List.of("ff", "0000000002", "00000000ff01", "0000000000" + "14" + "0001")) {
                byte[] d = HexFormat.of().parseHex(hex);
                s.send(new DatagramPacket(d, d.length, server.localAddress()));
            }
            byte[] ping = HexFormat.of().parseHex("0000000000" + "09" + "0001" + "00000000" + "00");
            s.send(new DatagramPacket(ping, ping.length, server.localAddress()));
            byte[] big = new byte[1500];
            s.send(new DatagramPacket(big, big.length, server.localAddress()));
            assertThat(Await.until(3000, () -> server.metrics().malformedDatagrams() == 5)).isTrue();
            assertThat(server.metrics().strayDatagrams()).isEqualTo(1);
            assertThat(drain(s, 300)).as("no answer to any of it").isEmpty();
        }
    }

    /** A client that completes the handshake and then never acks: the server's out-buffer stays bounded and the peer is dropped. */
    @Test
    void aPeerThatNeverAcksCostsBoundedMemoryAndIsDropped() throws Exception {
        LinkTest.Sink sink = new LinkTest.Sink();
        LinkConfig cfg = LinkConfig.defaults().withTimeout(Duration.ofSeconds(1)).withMaxQueuedMessages(500);
        try (LinkServer server = new LinkServer(Msg.types(), cfg, sink);
             DatagramSocket s = new DatagramSocket(LOOPBACK)) {
            server.listen(LOOPBACK);
            server.startBackground();
            s.send(new DatagramPacket(CONNECT_REQUEST, CONNECT_REQUEST.length, server.localAddress()));
            assertThat(drain(s, 300)).isNotEmpty();
            // Confirm with a pong-like unreliable message (not an ack of the accept), then go silent on acks
            // but keep the address alive with unreliable pings.
            byte[] ping = HexFormat.of().parseHex("0000000000" + "09" + "0001" + "00000000" + "00");
            s.send(new DatagramPacket(ping, ping.length, server.localAddress()));
            assertThat(Await.until(2000, () -> server.peers().size() == 1)).isTrue();
            Peer peer = server.peers().getFirst();
            int queued = 0;
            int full = 0;
            for (int i = 0; i < 2000; i++) {
                SendResult r = peer.send(new Msg.Seq(i, 0), Delivery.RELIABLE);
                if (r.queued()) {
                    queued++;
                } else if (r instanceof SendResult.BufferFull) {
                    full++;
                }
            }
            assertThat(queued).isLessThanOrEqualTo(500);
            assertThat(full).isGreaterThanOrEqualTo(1500);
            assertThat(peer.metrics().outBufferBytes()).isLessThanOrEqualTo(500L * (5 + 9) + 64);
            long t0 = System.nanoTime();
            while (sink.errors.isEmpty() && System.nanoTime() - t0 < 5_000_000_000L) {
                s.send(new DatagramPacket(ping, ping.length, server.localAddress()));
                Thread.sleep(100);
            }
            assertThat(sink.errors).singleElement().asString().startsWith("Peer stopped acknowledging");
            assertThat(server.peers()).isEmpty();
        }
    }

    @Test
    void pongsArePerPeerRateLimited() throws Exception {
        LinkConfig cfg = LinkConfig.defaults().withPongRate(10, 5);
        try (LinkServer server = new LinkServer(Msg.types(), cfg, null);
             LinkClient client = new LinkClient(Msg.types(), LinkConfig.defaults(), null);
             DatagramSocket s = new DatagramSocket(LOOPBACK)) {
            server.listen(LOOPBACK);
            server.startBackground();
            client.connect(server.localAddress());
            client.startBackground();
            assertThat(Await.until(3000, () -> server.peers().size() == 1)).isTrue();
            // A flood of pings from the real client's address is not possible from here, so use a second,
            // raw peer: handshake, confirm, then 200 pings at once.
            s.send(new DatagramPacket(CONNECT_REQUEST, CONNECT_REQUEST.length, server.localAddress()));
            drain(s, 200);
            StringBuilder hex = new StringBuilder();
            for (int i = 1; i <= 100; i++) { // 100 pings of 13 bytes: one datagram under the MTU
                hex.append("0000000000").append("09").append(String.format("%04x", i)).append("00000000").append("00");
            }
            byte[] burst = HexFormat.of().parseHex(hex.toString());
            for (int k = 0; k < 3; k++) {
                s.send(new DatagramPacket(burst, burst.length, server.localAddress()));
            }
            int pongs = 0;
            for (byte[] d : drain(s, 300)) {
                // Walk the messages: header 5 bytes, then type id and its fields.
                for (int i = 0; i + 6 <= d.length; ) {
                    int type = d[i + 5];
                    if (type == 10) {
                        pongs++;
                    }
                    i += 6 + switch (type) {
                        case 5 -> 2;      // KeepAliveRequest id
                        case 8 -> 4;      // MessageAck int32
                        case 9, 10 -> 7;  // Ping / Pong: id, int32, bool
                        case 11 -> 6;     // PongHeld: id, int32
                        default -> 0;     // accept, disconnect
                    };
                }
            }
            assertThat(pongs).as("pongs for 300 pings, bucket 5 + 10/s").isBetween(5, 12);
            assertThat(server.metrics().pongsWithheld()).isGreaterThanOrEqualTo(288);
        }
    }
}
