package io.iperf3j.internal.udp;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.iperf3j.internal.udp.Peers.d;
import static io.iperf3j.internal.udp.Peers.end;
import static io.iperf3j.internal.udp.Peers.l;
import static io.iperf3j.internal.udp.Peers.udpStreams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * UDP interoperability with the real iperf3 3.12 on loopback, both ways: iperf3j's
 * client against {@code iperf3 -s -1}, and {@code iperf3 -c} against iperf3j's
 * server. The client's and the server's JSON documents of each run are compared
 * field by field wherever both know the value: the receiver's loss count and jitter
 * (which the sender learns in the results exchange), the sender's datagram count
 * (which the receiver learns), the receiver's highest sequence number, and the
 * receiver's byte count against (highest sequence - lost) x datagram size.
 */
@Tag("peer")
@Timeout(60)
class UdpInteropTest {
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(7100);
    private static final int OUR_SERVER_PORT = 7099;
    private static Peers.OurServer ourServer;

    static List<List<String>> cases() {
        return List.of(
                List.of("-u", "-b", "200M", "-t", "2"),
                List.of("-u", "-b", "200M", "-t", "2", "-R"),
                List.of("-u", "-b", "200M", "-t", "2", "--bidir"),
                List.of("-u", "-b", "200M", "-t", "2", "-P", "2"),
                List.of("-u", "-b", "200M", "-t", "2", "--udp-counters-64bit"),
                List.of("-u", "-b", "200M", "-t", "2", "-l", "1400"),
                List.of("-u", "-b", "200M", "-n", "20M"),
                List.of("-u", "-b", "100M", "-t", "2", "-R", "-P", "2", "--udp-counters-64bit", "-l", "1400"));
    }

    @BeforeAll
    static void startOurServer() throws Exception {
        Iperf3Binary.require();
        ourServer = new Peers.OurServer(OUR_SERVER_PORT);
    }

    @AfterAll
    static void stopOurServer() throws Exception {
        if (ourServer != null) {
            ourServer.close();
        }
    }

    @ParameterizedTest(name = "iperf3j client -> iperf3 -s: {0}")
    @MethodSource("cases")
    void ourClientAgainstIperf3Server(List<String> args) throws Exception {
        int port = NEXT_PORT.getAndIncrement();
        try (Iperf3Process server = Peers.iperf3Server(port)) {
            ClientTest.Outcome outcome = Peers.ourClient(port, args);
            assertThat(outcome.error()).as("client error; server stderr: %s", server.stderr()).isNull();
            JsonObject serverDoc = Peers.json(server, 20);
            assertAgree(args, outcome.document(), serverDoc);
        }
    }

    @ParameterizedTest(name = "iperf3 -c -> iperf3j server: {0}")
    @MethodSource("cases")
    void iperf3ClientAgainstOurServer(List<String> args) throws Exception {
        ourServer.documents.clear();
        try (Iperf3Process client = Peers.iperf3Client(OUR_SERVER_PORT, args)) {
            JsonObject clientDoc = Peers.json(client, 30);
            assertThat(clientDoc.has("error")).as("iperf3 client error: %s", clientDoc.get("error")).isFalse();
            JsonObject serverDoc = ourServer.nextDocument();
            assertThat(serverDoc.has("error")).as("server error: %s", serverDoc.get("error")).isFalse();
            assertAgree(args, clientDoc, serverDoc);
        }
    }

    /** The checks common to both pairings; {@code client} knows both sides' figures, {@code server} only its own. */
    static void assertAgree(List<String> args, JsonObject client, JsonObject server) {
        boolean bidir = args.contains("--bidir");
        boolean reverse = args.contains("-R");
        JsonObject ts = client.getObject("start").getObject("test_start");
        assertThat(ts.getString("protocol")).isEqualTo("UDP");
        int len = (int) l(ts, "blksize");
        int parallel = (int) l(ts, "num_streams");
        if (args.contains("-l")) {
            assertThat(len).isEqualTo(Integer.parseInt(args.get(args.indexOf("-l") + 1)));
        }
        assertThat(l(server.getObject("start").getObject("test_start"), "blksize")).isEqualTo(len);

        List<JsonObject> cs = udpStreams(client);
        List<JsonObject> ss = udpStreams(server);
        assertThat(cs).hasSize(bidir ? 2 * parallel : parallel);
        assertThat(ss).hasSize(cs.size());

        long fwdHighest = 0;
        long fwdLost = 0;
        long revSent = 0;
        for (int i = 0; i < cs.size(); i++) {
            JsonObject c = cs.get(i);
            JsonObject s = ss.get(i);
            boolean clientSends = c.getBoolean("sender");
            assertThat(clientSends).as("stream %d direction", i).isEqualTo(!reverse && (!bidir || i < parallel));
            assertThat(s.getBoolean("sender")).isEqualTo(!clientSends);
            if (clientSends) {
                // The server received: its own loss and jitter reached the client in the results.
                long sent = l(c, "packets");
                long highest = l(s, "packets");
                long lost = l(s, "lost_packets");
                assertThat(l(c, "lost_packets")).as("lost, stream %d", i).isEqualTo(lost);
                assertThat(d(c, "jitter_ms")).as("jitter, stream %d", i).isCloseTo(d(s, "jitter_ms"), within(1e-12));
                assertThat(highest).as("highest sequence received <= sent, stream %d", i).isLessThanOrEqualTo(sent);
                assertThat(sent - highest).as("datagrams in flight at the end; server: %s", server.get("intervals"))
                        .isLessThanOrEqualTo(Math.max(10, sent / 4)); // generous: this VM is noisy; a misread counter gives ~0
                assertThat(lost).as("loss on loopback").isLessThanOrEqualTo(Math.max(10, sent / 4));
                fwdHighest += highest;
                fwdLost += lost;
            } else {
                // The server sent: the client learned its datagram count in the results.
                assertThat(l(c, "packets")).as("sent, stream %d", i).isEqualTo(l(s, "packets"));
                revSent += l(s, "packets");
            }
        }
        JsonObject ce = end(client);
        if (!reverse) {
            JsonObject rcv = ce.getObject("sum_received");
            assertThat(l(rcv, "packets")).isEqualTo(fwdHighest);
            assertThat(l(rcv, "lost_packets")).isEqualTo(fwdLost);
            if (!bidir) {
                JsonObject srvRcv = end(server).getObject("sum_received");
                assertThat(l(srvRcv, "packets")).isEqualTo(fwdHighest);
                assertThat(l(srvRcv, "lost_packets")).isEqualTo(fwdLost);
                assertBytesMatchSequences(srvRcv, server, len);
            }
        }
        if (reverse || bidir) {
            String suffix = bidir ? "_bidir_reverse" : "";
            JsonObject sent = ce.getObject("sum_sent" + suffix);
            JsonObject rcv = ce.getObject("sum_received" + suffix);
            assertThat(l(sent, "packets")).isEqualTo(revSent);
            assertThat(l(rcv, "packets")).isLessThanOrEqualTo(revSent);
            assertThat(revSent - l(rcv, "packets")).isLessThanOrEqualTo(Math.max(10, revSent / 4));
            assertBytesMatchSequences(rcv, client, len);
        }
        if (args.contains("-n")) {
            long n = 20L * 1024 * 1024;
            JsonObject sent = ce.getObject("sum_sent");
            assertThat(l(sent, "bytes")).isBetween(n, n + len - 1);
        }
    }

    /** Received bytes = datagrams received x size, and datagrams received = highest sequence - lost (no reordering on loopback). */
    private static void assertBytesMatchSequences(JsonObject sum, JsonObject doc, int len) {
        long outOfOrder = 0;
        for (JsonObject s : udpStreams(doc)) {
            outOfOrder += s.getLong("out_of_order") == null ? 0 : s.getLong("out_of_order");
        }
        if (outOfOrder == 0) {
            assertThat(l(sum, "bytes")).as("received bytes of %s", sum)
                    .isEqualTo((l(sum, "packets") - l(sum, "lost_packets")) * len);
        }
    }

    static List<String> with(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    static String read(Path p) throws Exception {
        return Files.readString(p);
    }
}
