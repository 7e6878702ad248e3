package io.iperf3j.testing;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two network namespaces made for one test, A (the client's) and B (the server's),
 * joined by a veth pair with 10.213.X.1 in A and 10.213.X.2 in B. Nothing outside the
 * pair is reachable from inside, so whatever runs there can only reach its peer.
 * {@link #close()} deletes both namespaces, and the veth pair, qdiscs and nft tables
 * go with them. Needs root (CI runs as root). Helpers shape the link (MTU, tbf) and drop
 * UDP datagrams with nft, counting what they dropped: the ground truth for loss. Built on
 * {@link Netns} (names: its tag under {@code ijp}, then {@code a} / {@code b}).
 */
public final class NetnsPair implements AutoCloseable {
    public final String nsA;
    public final String nsB;
    public final String addrA;
    public final String addrB;
    /** IPv6 addresses (unique local, fd00:213:X::1 and ::2), there after {@link #addIpv6()}. */
    public final String addr6A;
    public final String addr6B;
    private final Netns net;
    private final String vethA;
    private final String vethB;

    private NetnsPair(Netns net, int octet) throws IOException {
        this.net = net;
        nsA = net.add("a");
        nsB = net.add("b");
        String[] veth = net.veth("a", nsA, "b", nsB, 0);
        vethA = veth[0];
        vethB = veth[1];
        addrA = "10.213." + octet + ".1";
        addrB = "10.213." + octet + ".2";
        addr6A = "fd00:213:" + Integer.toHexString(octet) + "::1";
        addr6B = "fd00:213:" + Integer.toHexString(octet) + "::2";
        net.address(nsA, vethA, addrA + "/24");
        net.address(nsB, vethB, addrB + "/24");
    }

    /** Adds {@link #addr6A} and {@link #addr6B} to the two ends (no duplicate address detection, so usable at once). */
    public void addIpv6() throws IOException {
        net.ip(nsA, "addr", "add", addr6A + "/64", "dev", vethA, "nodad");
        net.ip(nsB, "addr", "add", addr6B + "/64", "dev", vethB, "nodad");
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
        nft(ns, rules);
    }

    /** Loads an nft ruleset ({@code nft -f}) into namespace {@code ns}. */
    public void nft(String ns, String rules) throws IOException {
        net.nft(ns, rules);
    }

    /** What named counter {@code name} of inet table {@code table} in {@code ns} has counted (packets). */
    public long counter(String ns, String table, String name) throws IOException {
        return net.counter(ns, table, name, false);
    }

    /** {labelled, all} packets counted by {@link #countFlowLabel} since the last call; both restart at 0. */
    public long[] flowLabelCounts(String ns) throws IOException {
        long labelled = net.counter(ns, "iperf3jflow", "labelled", true);
        long all = net.counter(ns, "iperf3jflow", "tcp6in", true);
        return new long[] {labelled, all};
    }

    /** Makes the pair, or fails the test saying what is missing. */
    public static NetnsPair create() throws IOException {
        Netns net = Netns.open("ijp");
        try {
            return new NetnsPair(net, ThreadLocalRandom.current().nextInt(1, 255));
        } catch (IOException | RuntimeException e) {
            try {
                net.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (e instanceof IOException io) {
                throw new IOException(io.getMessage() + " (needs root, iproute2 and nftables)", io);
            }
            throw e;
        }
    }

    /** The prefix that runs a command inside namespace {@code ns}. */
    public static List<String> inside(String ns, List<String> command) {
        return Netns.inside(ns, command);
    }

    /** Runs {@code argv} inside {@code ns}, whatever its exit status (ping, for instance). */
    public Shell.Result exec(String ns, String... argv) throws IOException {
        return net.tryExec(ns, argv);
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
        nft(ns, rules);
    }

    /** Datagrams {@link #dropUdpTo} dropped in {@code ns} since the last call; the counter restarts at 0. */
    public long droppedAndReset(String ns) throws IOException {
        return net.counter(ns, "iperf3jloss", "drops", true);
    }

    /**
     * UDP datagrams the kernel of {@code ns} dropped so far because a socket's receive buffer was full
     * ({@code RcvbufErrors} of {@code /proc/net/snmp}): a receiver that a loaded machine did not run for a while.
     */
    public long receiveBufferDrops(String ns) throws IOException {
        List<String> lines = exec(ns, "cat", "/proc/net/snmp").out().lines().filter(l -> l.startsWith("Udp: ")).toList();
        if (lines.size() < 2) {
            throw new IOException("no Udp lines in " + ns + "'s /proc/net/snmp");
        }
        List<String> names = List.of(lines.get(0).split(" "));
        String[] values = lines.get(1).split(" ");
        int i = names.indexOf("RcvbufErrors");
        if (i < 0) {
            throw new IOException("no RcvbufErrors in " + ns + "'s /proc/net/snmp");
        }
        return Long.parseLong(values[i]);
    }

    /** Sets the MTU of both ends of the veth pair (9000: headers cost under 1 % of a big datagram). */
    public void mtu(int bytes) throws IOException {
        net.ip(nsA, "link", "set", vethA, "mtu", String.valueOf(bytes));
        net.ip(nsB, "link", "set", vethB, "mtu", String.valueOf(bytes));
    }

    /** A tbf shaper of {@code mbps} Mbit/s on A's end of the link (the client's egress). */
    public void shapeA(double mbps) throws IOException {
        net.exec(nsA, "tc", "qdisc", "add", "dev", vethA, "root", "tbf", "rate", (int) mbps + "mbit", "burst", "64kb",
                "latency", "100ms");
    }

    /** {@link #shapeA}'s shaper's counters so far ({@link Netns#rootQdisc}); fails if A's root qdisc is not a tbf. */
    public Netns.QdiscCounts shaperA() throws IOException {
        Netns.QdiscCounts q = Netns.rootQdisc(nsA, vethA);
        if (!q.kind().equals("tbf")) {
            throw new IOException("the root qdisc of " + vethA + " is " + q.kind() + ", not shapeA's tbf");
        }
        return q;
    }

    /** The largest TCP send buffer in {@code ns}: the third field of its {@code net.ipv4.tcp_wmem}. */
    public long tcpSendBufferMax(String ns) throws IOException {
        String[] fields = net.exec(ns, "cat", "/proc/sys/net/ipv4/tcp_wmem").trim().split("\\s+");
        if (fields.length != 3) {
            throw new IOException("tcp_wmem in " + ns + " is not three numbers: " + String.join(" ", fields));
        }
        return Long.parseLong(fields[2]);
    }

    /** Datagrams dropped so far by {@link #dropUdpInBoth} in namespace {@code ns}. */
    public long dropped(String ns) throws IOException {
        return counter(ns, "iperf3jloss", "drops");
    }

    /** Kills what still runs in the namespaces and deletes them (best effort: a failure to delete is not the test's). */
    @Override
    public void close() {
        try {
            net.close();
        } catch (IOException e) {
            System.err.println("NetnsPair: " + e.getMessage());
        }
    }
}
