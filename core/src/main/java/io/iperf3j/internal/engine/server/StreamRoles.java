package io.iperf3j.internal.engine.server;

import io.iperf3j.Direction;
import io.iperf3j.internal.stats.TestMode;

/**
 * The n-th data stream of a server-side test (0-based, in the order the client opened them):
 * its stream id, the socket number iperf3 3.12's server reports for it, and its direction.
 */
final class StreamRoles {
    private StreamRoles() {
    }

    /** iperf3's stream ids: 1, 3, 4, 5, ... */
    static int id(int index) {
        return index == 0 ? 1 : index + 2;
    }

    /** 3.12's server TCP sockets: 5, 8, 10, 12, ... */
    static int tcpSocket(int index) {
        return index == 0 ? 5 : 6 + 2 * index;
    }

    /** 3.12's server UDP sockets: 5, 6, 7, ... */
    static int udpSocket(int index) {
        return 5 + index;
    }

    /** The server's role for the stream: in bidir mode the first {@code parallel} streams are its receiving ones. */
    static Direction direction(TestMode mode, int index, int parallel) {
        return switch (mode) {
            case RECEIVER -> Direction.RECEIVER;
            case SENDER -> Direction.SENDER;
            case BIDIRECTIONAL -> index < parallel ? Direction.RECEIVER : Direction.SENDER;
        };
    }
}
