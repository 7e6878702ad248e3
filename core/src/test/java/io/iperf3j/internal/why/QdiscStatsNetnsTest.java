package io.iperf3j.internal.why;

import io.iperf3j.sys.QdiscStats;
import io.iperf3j.testing.Netns;
import io.iperf3j.testing.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evidence {@code --why} needs for a shaper on the sender's own egress: {@link QdiscStats#root} read
 * from a real kernel. Two namespaces joined by a veth pair; A's end first has its default qdisc, then
 * {@code tbf rate 500mbit}, and UDP datagrams go from A to B through it. A JVM cannot change its own
 * namespace, so {@link Probe} reads (and sends) in a JVM of its own, started with {@code ip netns exec}.
 * Ground truth: the datagrams the probe sent, its send rate, and {@code tc -s qdisc}.
 */
@Tag("root")
@Timeout(180)
class QdiscStatsNetnsTest {
    private static final int DATAGRAM = 1400;
    private static final int COUNT = 20_000;

    @BeforeAll
    static void tools() throws IOException {
        Netns.require("QdiscStatsNetnsTest", "ip", "tc");
    }

    @Test
    void aTbfOnTheSendersEgressShowsItsRateAndItsCounters() throws Exception {
        try (Netns net = Netns.open("qds")) {
            String nsA = net.add("a");
            String nsB = net.add("b");
            String[] dev = net.veth("a", nsA, "b", nsB, 0);
            int octet = ThreadLocalRandom.current().nextInt(1, 255);
            String addrB = "10.214." + octet + ".2";
            net.address(nsA, dev[0], "10.214." + octet + ".1/24");
            net.address(nsB, dev[1], addrB + "/24");

            Map<String, String> plain = probe(nsA, dev[0], "read", addrB).get("now");
            System.out.println("default: " + plain);
            assertThat(plain.get("kind")).as("veth's default root qdisc").isIn("noqueue", "fq_codel", "pfifo_fast", "mq",
                    "fq");
            assertThat(plain.get("rate")).isEqualTo("none");
            Map<String, String> lo = probe(nsA, "lo", "read", addrB).get("now");
            assertThat(lo.get("kind")).isEqualTo("noqueue");

            net.exec(nsA, "tc", "qdisc", "replace", "dev", dev[0], "root", "tbf", "rate", "500mbit", "burst", "64kb",
                    "limit", "1000000");
            Map<String, Map<String, String>> run = probe(nsA, dev[0], "send", addrB);
            Map<String, String> before = run.get("before");
            Map<String, String> after = run.get("after");
            String tc = net.exec(nsA, "tc", "-s", "qdisc", "show", "dev", dev[0]);
            System.out.println("before: " + before + "\nafter: " + after + "\nsent: " + run.get("sent") + "\n" + tc);

            assertThat(after.get("kind")).isEqualTo("tbf");
            assertThat(after.get("rate")).isEqualTo("500000000");
            long sent = Long.parseLong(run.get("sent").get("datagrams"));
            double sendMbps = Double.parseDouble(run.get("sent").get("mbps"));
            long packets = delta(before, after, "packets");
            long bytes = delta(before, after, "bytes");
            long drops = delta(before, after, "drops");
            long overlimits = delta(before, after, "overlimits");
            assertThat(sent).isEqualTo(COUNT);
            assertThat(drops).isNotNegative();
            assertThat(overlimits).isNotNegative();
            // every datagram given to the qdisc left it (counted once the backlog drained) or was dropped there
            assertThat(packets + drops).as("packets + drops").isGreaterThanOrEqualTo(sent);
            assertThat(bytes).as("bytes: IP, UDP and Ethernet headers on each").isGreaterThanOrEqualTo(
                    (sent - drops) * (DATAGRAM + 28 + 14));
            if (sendMbps > 600) { // faster than the shaper: it ran out of tokens
                assertThat(overlimits).as("overlimits at %.0f Mbit/s", sendMbps).isPositive();
            }
            // tc's own reading agrees, past this reading (it only adds)
            long tcPackets = Netns.rootQdisc(nsA, dev[0]).packets();
            assertThat(tcPackets).isGreaterThanOrEqualTo(Long.parseLong(after.get("packets")));
        }
    }

    private static long delta(Map<String, String> before, Map<String, String> after, String key) {
        return Long.parseLong(after.get(key)) - Long.parseLong(before.get(key));
    }

    /** Runs {@link Probe} in {@code ns}: its output lines {@code label key=value ...} by label. */
    private static Map<String, Map<String, String>> probe(String ns, String dev, String mode, String to)
            throws IOException {
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), dev, mode, to);
        Shell.Result r = Shell.exec(Duration.ofSeconds(90), new ArrayList<>(Netns.inside(ns, java)));
        assertThat(r.exit()).as("probe output:\n%s", r.out()).isZero();
        Map<String, Map<String, String>> out = new HashMap<>();
        for (String line : r.out().lines().filter(l -> l.startsWith("probe ")).toList()) {
            String[] f = line.split(" ");
            Map<String, String> fields = new HashMap<>();
            for (int i = 2; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                fields.put(f[i].substring(0, eq), f[i].substring(eq + 1));
            }
            out.put(f[1], fields);
        }
        return out;
    }

    /**
     * Reads the root qdisc of interface {@code args[0]} in its own namespace: {@code read} once;
     * {@code send}: before and after sending {@value #COUNT} datagrams of {@value #DATAGRAM} bytes to
     * {@code args[2]}, port 9, as fast as it can.
     */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            int ifindex = NetworkInterface.getByName(args[0]).getIndex();
            if (args[1].equals("read")) {
                print("now", ifindex);
                return;
            }
            InetSocketAddress to = new InetSocketAddress(args[2], 9);
            try (DatagramChannel ch = DatagramChannel.open()) {
                ByteBuffer payload = ByteBuffer.allocate(DATAGRAM);
                for (int i = 0; i < 10; i++) { // resolve B's address first: the neighbour queue would drop
                    ch.send(payload.clear(), to);
                }
                Thread.sleep(300);
                print("before", ifindex);
                long t0 = System.nanoTime();
                int sent = 0;
                for (int i = 0; i < COUNT; i++) {
                    sent += ch.send(payload.clear(), to) == DATAGRAM ? 1 : 0;
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(300); // the backlog drains (1 MB at 500 Mbit/s: 16 ms)
                print("after", ifindex);
                System.out.printf(Locale.ROOT, "probe sent datagrams=%d mbps=%.1f%n", sent,
                        sent * (DATAGRAM + 42.0) * 8 / seconds / 1e6);
            }
        }

        private static void print(String label, int ifindex) {
            QdiscStats q = QdiscStats.root(ifindex).orElseThrow(() -> new IllegalStateException("no qdisc"));
            System.out.printf(Locale.ROOT, "probe %s kind=%s bytes=%d packets=%d drops=%d overlimits=%d requeues=%d"
                            + " backlog=%d qlen=%d rate=%s%n", label, q.kind(), q.bytes(), q.packets(), q.drops(),
                    q.overlimits(), q.requeues(), q.backlogBytes(), q.queueLength(),
                    q.rateBitsPerSecond().isPresent() ? Long.toString(q.rateBitsPerSecond().getAsLong()) : "none");
        }
    }
}
