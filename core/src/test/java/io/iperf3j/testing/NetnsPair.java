package io.iperf3j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two network namespaces made for one test, A (the client's) and B (the server's),
 * joined by a veth pair with 10.213.X.1 in A and 10.213.X.2 in B. Nothing outside the
 * pair is reachable from inside, so whatever runs there can only reach its peer.
 * {@link #close()} deletes both namespaces, and the veth pair, qdiscs and nft tables
 * go with them. Needs root (CI runs as root). Helpers shape the link (MTU, tbf) and drop
 * UDP datagrams with nft, counting what they dropped: the ground truth for loss.
 */
public final class NetnsPair implements AutoCloseable {
    public final String nsA;
    public final String nsB;
    public final String addrA;
    public final String addrB;
    /** IPv6 addresses (unique local, fd00:213:X::1 and ::2), there after {@link #addIpv6()}. */
    public final String addr6A;
    public final String addr6B;
    private final String vethA;
    private final String vethB;

    private NetnsPair(String tag, int octet) {
        nsA = "iperf3j-" + tag + "-a";
        nsB = "iperf3j-" + tag + "-b";
        vethA = "vj" + tag + "a";
        vethB = "vj" + tag + "b";
        addrA = "10.213." + octet + ".1";
        addrB = "10.213." + octet + ".2";
        addr6A = "fd00:213:" + Integer.toHexString(octet) + "::1";
        addr6B = "fd00:213:" + Integer.toHexString(octet) + "::2";
    }

    /** Adds {@link #addr6A} and {@link #addr6B} to the two ends (no duplicate address detection, so usable at once). */
    public void addIpv6() throws IOException {
        sh("ip -n " + nsA + " addr add " + addr6A + "/64 dev " + vethA + " nodad");
        sh("ip -n " + nsB + " addr add " + addr6B + "/64 dev " + vethB + " nodad");
    }

    /**
     * Counts, in namespace {@code ns}, the TCP/IPv6 packets that arrive for {@code port}: all
     * of them, and those whose IPv6 flow label is {@code label} (read with {@link #flowLabelCounts}).
     */
    public void countFlowLabel(String ns, int port, int label) throws IOException {
        String rules = "table inet iperf3jflow {\n"
                + "  counter labelled { }\n"
                + "  counter tcp6in { }\n"
                + "  chain input {\n"
                + "    type filter hook input priority 0; policy accept;\n"
                + "    meta nfproto ipv6 tcp dport " + port + " counter name \"tcp6in\"\n"
                + "    meta nfproto ipv6 tcp dport " + port + " ip6 flowlabel " + label + " counter name \"labelled\"\n"
                + "  }\n"
                + "}\n";
        loadNft(ns, rules);
    }

    /** Loads an nft ruleset into namespace {@code ns}. */
    private void loadNft(String ns, String rules) throws IOException {
        Path f = Files.createTempFile("iperf3j-nft", ".conf");
        try {
            Files.writeString(f, rules);
            sh("ip netns exec " + ns + " nft -f " + f);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** {labelled, all} packets counted by {@link #countFlowLabel} since the last call; both restart at 0. */
    public long[] flowLabelCounts(String ns) throws IOException {
        long labelled = packets(sh("ip netns exec " + ns + " nft reset counter inet iperf3jflow labelled"));
        long all = packets(sh("ip netns exec " + ns + " nft reset counter inet iperf3jflow tcp6in"));
        return new long[] {labelled, all};
    }

    /** Makes the pair, or fails the test saying what is missing. */
    public static NetnsPair create() throws IOException {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        NetnsPair p = new NetnsPair(tag, ThreadLocalRandom.current().nextInt(1, 255));
        try {
            p.sh("ip netns add " + p.nsA);
            p.sh("ip netns add " + p.nsB);
            p.sh("ip link add " + p.vethA + " type veth peer name " + p.vethB);
            p.sh("ip link set " + p.vethA + " netns " + p.nsA);
            p.sh("ip link set " + p.vethB + " netns " + p.nsB);
            for (String[] side : new String[][] {{p.nsA, p.vethA, p.addrA}, {p.nsB, p.vethB, p.addrB}}) {
                p.sh("ip -n " + side[0] + " link set lo up");
                p.sh("ip -n " + side[0] + " addr add " + side[2] + "/24 dev " + side[1]);
                p.sh("ip -n " + side[0] + " link set " + side[1] + " up");
            }
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** The prefix that runs a command inside namespace {@code ns}. */
    public static List<String> inside(String ns, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(command);
        return cmd;
    }

    /**
     * Drops {@code percent} % of the UDP datagrams longer than 200 bytes that arrive in
     * either namespace, at random (nft {@code numgen random}), and counts them; the
     * short datagrams of iperf3's UDP handshake always pass.
     */
    public void dropUdpInBoth(int percent) throws IOException {
        for (String ns : List.of(nsA, nsB)) {
            dropAtRandom(ns, "meta l4proto udp", percent);
        }
    }

    /**
     * Drops {@code percent} % of the UDP datagrams longer than 200 bytes that arrive in
     * namespace {@code ns} for one of {@code ports}, at random, and counts them (read with
     * {@link #droppedAndReset}); the short handshake datagrams always pass.
     */
    public void dropUdpTo(String ns, int percent, int... ports) throws IOException {
        StringBuilder set = new StringBuilder();
        for (int port : ports) {
            set.append(set.isEmpty() ? "" : ", ").append(port);
        }
        dropAtRandom(ns, "udp dport { " + set + " }", percent);
    }

    /** Loads the {@code iperf3jloss} table into {@code ns}: a counted random drop of matching datagrams over 200 bytes. */
    private void dropAtRandom(String ns, String match, int percent) throws IOException {
        String rules = "table inet iperf3jloss {\n"
                + "  counter drops { }\n"
                + "  chain input {\n"
                + "    type filter hook input priority 0; policy accept;\n"
                + "    " + match + " meta length > 200 numgen random mod 100 < " + percent
                + " counter name \"drops\" drop\n"
                + "  }\n"
                + "}\n";
        loadNft(ns, rules);
    }

    /** Datagrams {@link #dropUdpTo} dropped in {@code ns} since the last call; the counter restarts at 0. */
    public long droppedAndReset(String ns) throws IOException {
        return packets(sh("ip netns exec " + ns + " nft reset counter inet iperf3jloss drops"));
    }

    /** Sets the MTU of both ends of the veth pair (9000: headers cost under 1 % of a big datagram). */
    public void mtu(int bytes) throws IOException {
        sh("ip -n " + nsA + " link set " + vethA + " mtu " + bytes);
        sh("ip -n " + nsB + " link set " + vethB + " mtu " + bytes);
    }

    /** A tbf shaper of {@code mbps} Mbit/s on A's end of the link (the client's egress). */
    public void shapeA(double mbps) throws IOException {
        sh("ip netns exec " + nsA + " tc qdisc add dev " + vethA + " root tbf rate " + (int) mbps
                + "mbit burst 64kb latency 100ms");
    }

    /** Datagrams dropped so far by {@link #dropUdpInBoth} in namespace {@code ns}. */
    public long dropped(String ns) throws IOException {
        return packets(sh("ip netns exec " + ns + " nft list counter inet iperf3jloss drops"));
    }

    private static long packets(String out) throws IOException {
        Matcher m = Pattern.compile("packets (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IOException("no nft counter in: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    private String sh(String command) throws IOException {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + command, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(command + " failed (" + p.exitValue() + "; needs root, iproute2 and nftables): " + out);
        }
        return out;
    }

    @Override
    public void close() {
        for (String ns : List.of(nsA, nsB)) {
            try {
                new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // best effort: nothing to delete
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
