package io.iperf3j.interop.matrix;

import io.iperf3j.testing.PeerRun.Peer;

import java.util.ArrayList;
import java.util.List;

/**
 * One cell of the interop matrix: who is client and server, the network, and one
 * value on each option axis (protocol, direction, end condition, streams).
 */
record Cell(Network network, Peer client, Peer server, boolean udp, Direction direction, End end, int parallel) {
    /** Where the two peers run. */
    enum Network {
        /** Both on 127.0.0.1; UDP at a rate that loses datagrams there. */
        LOOPBACK("loopback"),
        /** Client in one namespace, server in another, a veth between them, 5 % of UDP datagrams dropped by nft. */
        NETNS_LOSS("netns 5% drop");

        final String label;

        Network(String label) {
            this.label = label;
        }
    }

    enum Direction {
        FORWARD(""), REVERSE("-R"), BIDIR("--bidir");

        final String flag;

        Direction(String flag) {
            this.flag = flag;
        }
    }

    /** The end condition and its value for each protocol. */
    enum End {
        TIME("-t", "1", "1"),
        BYTES("-n", "40M", "5M"),
        BLOCKS("-k", "300", "2000");

        final String flag;
        final String tcpValue;
        final String udpValue;

        End(String flag, String tcpValue, String udpValue) {
            this.flag = flag;
            this.tcpValue = tcpValue;
            this.udpValue = udpValue;
        }
    }

    /** UDP at 2 Gbit/s per stream: more than loopback delivers on this machine without loss. */
    static final String UDP_RATE = "2G";

    String value(boolean forUdp) {
        return forUdp ? end.udpValue : end.tcpValue;
    }

    /** The client's arguments after {@code -c HOST -p PORT}. */
    List<String> clientFlags() {
        List<String> f = new ArrayList<>();
        if (udp) {
            f.addAll(List.of("-u", "-b", UDP_RATE));
        }
        if (!direction.flag.isEmpty()) {
            f.add(direction.flag);
        }
        f.addAll(List.of(end.flag, value(udp), "-P", Integer.toString(parallel), "-J"));
        return f;
    }

    /** How long the transfer should take: one second for -t 1, less for the counts. */
    double expectedSeconds() {
        return 1.0;
    }

    String flagsText() {
        return String.join(" ", clientFlags().subList(0, clientFlags().size() - 1));
    }

    String name() {
        return network.label + " | " + client.label + " -> " + server.label + " | " + flagsText();
    }

    @Override
    public String toString() {
        return name();
    }
}
