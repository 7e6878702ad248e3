package io.iperf3j.internal.udp;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.EnginePeer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.iperf3j.internal.udp.Peers.d;
import static io.iperf3j.internal.udp.Peers.end;
import static io.iperf3j.internal.udp.Peers.l;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Accuracy across a real (virtual) link: two network namespaces joined by a veth
 * pair, both ends run as processes inside them (iperf3j through {@link io.iperf3j.testing.EnginePeer},
 * and the real iperf3 3.12).
 *
 * <ul>
 * <li>Loss: an nft rule in the receiver's namespace drops a random 5 % of the
 *     data datagrams ({@code numgen random mod 100 < 5}; handshake datagrams are
 *     too short to match). iperf3j's reported loss must be within 0.3 points of
 *     5 %, of the fraction the rule's counter says it dropped, and of what iperf3
 *     reports over the same link. Runs carry about 180 000 datagrams, so the
 *     sampling noise of the random rule (σ ≈ 0.05 points per run, 0.07 between two
 *     runs) keeps the 0.3-point bounds beyond 4 σ.</li>
 * <li>Rate: a tbf qdisc shapes the sender's side to 50 Mbit/s (MTU 9000, so
 *     headers cost under 1 %). TCP and UDP through iperf3j must report that rate
 *     within 2 %.</li>
 * </ul>
 *
 * <p>Needs root, {@code ip}, {@code nft} and {@code tc} (CI installs them); without
 * them the test fails and says so. Namespaces are unique per run and always removed.
 */
@Timeout(180)
class UdpNetnsTest {
    private static final int LOSS_PERCENT = 5;
    private static final double LINK_MBPS = 50.0;

    @BeforeAll
    static void requireTools() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("ip", "nft", "tc")) {
            if (run(List.of("sh", "-c", "command -v " + tool)).exit != 0) {
                missing.add(tool);
            }
        }
        Result id = run(List.of("id", "-u"));
        if (!missing.isEmpty() || !id.out.trim().equals("0")) {
            fail("UdpNetnsTest needs root and the tools ip, nft and tc (packages iproute2 and nftables; .ci/run installs "
                    + "them). Missing tools: " + missing + "; uid: " + id.out.trim());
        }
    }

    @Test
    void reportedLossMatchesInjectedLossAndIperf3() throws Exception {
        try (Link link = Link.create()) {
            int port = 7600 + ThreadLocalRandom.current().nextInt(100);
            link.dropUdp(port, LOSS_PERCENT);
            // 4 MB buffers (~0.3 s of data) keep the receivers from adding losses of their own
            // when this noisy VM stalls them.
            List<String> args = List.of("-u", "-b", "400M", "-l", "1400", "-t", "5", "-w", "4M");

            JsonObject ours = link.runPair(port, false, args);
            long oursDropped = link.droppedAndReset();
            // iperf3's run goes to port + 100, which has its own 5 % rule.
            JsonObject theirs = link.runPair(port + 100, true, args);

            JsonObject or = end(ours).getObject("sum_received");
            JsonObject tr = end(theirs).getObject("sum_received");
            double oursLoss = d(or, "lost_percent");
            double theirsLoss = d(tr, "lost_percent");
            double injected = 100.0 * oursDropped / l(or, "packets");
            System.out.printf(Locale.ROOT, "UDP loss over veth, nft drops %d %%: iperf3j %d/%d = %.3f %% (nft dropped %d = %.3f %%); "
                            + "iperf3 %d/%d = %.3f %%%n", LOSS_PERCENT, l(or, "lost_packets"), l(or, "packets"), oursLoss,
                    oursDropped, injected, l(tr, "lost_packets"), l(tr, "packets"), theirsLoss);
            assertThat(l(or, "packets")).as("datagrams").isGreaterThan(50_000);
            assertThat(Math.abs(oursLoss - LOSS_PERCENT)).as("iperf3j loss vs injected").isLessThanOrEqualTo(0.3);
            assertThat(Math.abs(oursLoss - injected)).as("iperf3j loss vs nft's count").isLessThanOrEqualTo(0.3);
            // The receiver counts what nft dropped, give or take a few datagrams lost elsewhere.
            assertThat(l(or, "lost_packets")).isBetween(oursDropped - 5, oursDropped + l(or, "packets") / 1000);
            assertThat(Math.abs(oursLoss - theirsLoss)).as("iperf3j loss vs iperf3's").isLessThanOrEqualTo(0.3);
        }
    }

    @Test
    void shapedLinkRateIsReportedForTcpAndUdp() throws Exception {
        try (Link link = Link.create()) {
            link.shape(LINK_MBPS);
            int port = 7800 + ThreadLocalRandom.current().nextInt(100);
            JsonObject tcp = link.runPair(port, false, List.of("-t", "4"));
            JsonObject udp = link.runPair(port + 1, false, List.of("-u", "-b", "80M", "-l", "8900", "-t", "4"));
            JsonObject udpRef = link.runPair(port + 2, true, List.of("-u", "-b", "80M", "-l", "8900", "-t", "4"));
            double tcpMbps = d(end(tcp).getObject("sum_received"), "bits_per_second") / 1e6;
            double udpMbps = d(end(udp).getObject("sum_received"), "bits_per_second") / 1e6;
            double refMbps = d(end(udpRef).getObject("sum_received"), "bits_per_second") / 1e6;
            System.out.printf(Locale.ROOT, "tbf %.0f Mbit/s: iperf3j TCP %.2f, iperf3j UDP %.2f, iperf3 UDP %.2f Mbit/s%n",
                    LINK_MBPS, tcpMbps, udpMbps, refMbps);
            assertThat(Math.abs(tcpMbps - LINK_MBPS) / LINK_MBPS).as("TCP rate %.2f", tcpMbps).isLessThanOrEqualTo(0.02);
            assertThat(Math.abs(udpMbps - LINK_MBPS) / LINK_MBPS).as("UDP rate %.2f", udpMbps).isLessThanOrEqualTo(0.02);
        }
    }

    // ------------------------------------------------------------ the link

    /** Two namespaces, a veth pair between them, addresses; removed on close. */
    static final class Link implements AutoCloseable {
        final String nsA;
        final String nsB;
        final String vethA;
        final String vethB;
        final String addrA;
        final String addrB;
        private final List<Peers.Proc> procs = new ArrayList<>();
        private Integer dropPort;

        private Link(String tag, int octet) {
            nsA = "iperf3j-" + tag + "-a";
            nsB = "iperf3j-" + tag + "-b";
            vethA = "vj" + tag + "a";
            vethB = "vj" + tag + "b";
            addrA = "10.213." + octet + ".1";
            addrB = "10.213." + octet + ".2";
        }

        static Link create() throws Exception {
            String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
            Link l = new Link(tag, ThreadLocalRandom.current().nextInt(1, 255));
            try {
                l.sh("ip netns add " + l.nsA);
                l.sh("ip netns add " + l.nsB);
                l.sh("ip link add " + l.vethA + " type veth peer name " + l.vethB);
                l.sh("ip link set " + l.vethA + " netns " + l.nsA);
                l.sh("ip link set " + l.vethB + " netns " + l.nsB);
                for (String[] side : new String[][] {{l.nsA, l.vethA, l.addrA}, {l.nsB, l.vethB, l.addrB}}) {
                    l.sh("ip -n " + side[0] + " link set lo up");
                    l.sh("ip -n " + side[0] + " link set " + side[1] + " mtu 9000");
                    l.sh("ip -n " + side[0] + " addr add " + side[2] + "/24 dev " + side[1]);
                    l.sh("ip -n " + side[0] + " link set " + side[1] + " up");
                }
                return l;
            } catch (Exception e) {
                l.close();
                throw e;
            }
        }

        /** Drops {@code percent} of every 100 UDP datagrams to {@code port} longer than 200 bytes, in B (the receiver). */
        void dropUdp(int port, int percent) throws Exception {
            dropPort = port;
            String rules = "table inet iperf3jloss {\n"
                    + "  counter drops { }\n"
                    + "  chain input {\n"
                    + "    type filter hook input priority 0; policy accept;\n"
                    + "    udp dport " + port + " meta length > 200 numgen random mod 100 < " + percent
                    + " counter name \"drops\" drop\n"
                    + "    udp dport " + (port + 100) + " meta length > 200 numgen random mod 100 < " + percent + " drop\n"
                    + "  }\n"
                    + "}\n";
            Path f = Files.createTempFile("iperf3j-nft", ".conf");
            try {
                Files.writeString(f, rules);
                sh("ip netns exec " + nsB + " nft -f " + f);
            } finally {
                Files.deleteIfExists(f);
            }
        }

        long droppedAndReset() throws Exception {
            Result r = sh("ip netns exec " + nsB + " nft reset counter inet iperf3jloss drops");
            Matcher m = Pattern.compile("packets (\\d+)").matcher(r.out);
            assertThat(m.find()).as("nft counter: %s", r.out).isTrue();
            return Long.parseLong(m.group(1));
        }

        /** A tbf shaper on A's side of the link (the client's egress). */
        void shape(double mbps) throws Exception {
            sh("ip netns exec " + nsA + " tc qdisc add dev " + vethA + " root tbf rate " + (int) mbps
                    + "mbit burst 64kb latency 100ms");
        }

        /**
         * Runs a server in B and a client in A ({@code real}: iperf3 3.12, else
         * iperf3j), both with {@code -J}; returns the client's document.
         */
        JsonObject runPair(int port, boolean real, List<String> clientArgs) throws Exception {
            List<String> server = new ArrayList<>(List.of("ip", "netns", "exec", nsB));
            List<String> client = new ArrayList<>(List.of("ip", "netns", "exec", nsA));
            if (real) {
                server.addAll(List.of(Peers.IPERF3, "-s", "-1", "-J", "-p", Integer.toString(port)));
                client.addAll(List.of(Peers.IPERF3, "-c", addrB, "-p", Integer.toString(port), "-J"));
            } else {
                server.addAll(EnginePeer.command(List.of("-s", "-1", "-J", "-p", Integer.toString(port))));
                client.addAll(EnginePeer.command(List.of("-c", addrB, "-p", Integer.toString(port), "-J")));
            }
            client.addAll(clientArgs);
            Peers.Proc s = new Peers.Proc(server);
            procs.add(s);
            awaitListening(port, s);
            Peers.Proc c = new Peers.Proc(client);
            procs.add(c);
            JsonObject doc = c.json(60);
            assertThat(doc.has("error")).as("client error %s; server stderr %s", doc.get("error"), s.stderr()).isFalse();
            s.await(20);
            return doc;
        }

        private void awaitListening(int port, Peers.Proc server) throws Exception {
            String hex = String.format(":%04X", port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                Result r = run(List.of("ip", "netns", "exec", nsB, "cat", "/proc/net/tcp", "/proc/net/tcp6"));
                for (String line : r.out.split("\n")) {
                    String[] cols = line.trim().split("\\s+");
                    if (cols.length > 3 && cols[1].endsWith(hex) && cols[3].equals("0A")) {
                        return;
                    }
                }
                if (!server.process.isAlive()) {
                    fail("server exited: " + server.stderr());
                }
                Thread.sleep(50);
            }
            fail("server did not listen: " + server.stderr());
        }

        private Result sh(String command) throws Exception {
            Result r = run(List.of("sh", "-c", command));
            if (r.exit != 0) {
                throw new IOException(command + " failed (" + r.exit + "): " + r.out + r.err);
            }
            return r;
        }

        @Override
        public void close() throws Exception {
            for (Peers.Proc p : procs) {
                try {
                    p.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
            // Deleting the namespaces removes the veth pair, the qdisc and the nft table with them.
            run(List.of("ip", "netns", "del", nsA));
            run(List.of("ip", "netns", "del", nsB));
        }
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
